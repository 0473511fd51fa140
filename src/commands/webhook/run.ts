import { ExitCode, UsageError } from '../../errors.js';
import type { Factory } from '../../factory.js';
import { formatEventLine, formatMessage } from '../../webhook/log-line.js';
import { startWebhookServer, type RunningWebhookServer, type WebhookServerDeps, type WebhookServerOptions } from '../../webhook/server.js';
import type { WebhookFlags } from './command.js';

export interface WebhookRunResult {
  exitCode: number;
  /** Deliveries answered, by outcome. */
  outcomes: Record<string, number>;
}

function secretFrom(flags: WebhookFlags, env: NodeJS.ProcessEnv): string {
  const value = flags.secret?.trim() || env.STRIPE_WEBHOOK_SECRET?.trim();
  if (!value) {
    throw new UsageError('no webhook signing secret', 'pass --secret or set STRIPE_WEBHOOK_SECRET (`stripe listen` prints the whsec_… to use)');
  }
  return value;
}

async function listen(deps: WebhookServerDeps, options: WebhookServerOptions): Promise<RunningWebhookServer> {
  try {
    return await startWebhookServer(deps, options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${options.port} on ${options.host} is already in use`, 'pick another with --port (0 for any free port)');
    if (code === 'EADDRNOTAVAIL' || code === 'EACCES') throw new UsageError(`cannot listen on ${options.host}:${options.port} (${code})`, 'check --host and --port');
    throw err;
  }
}

function stopped(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export async function webhookRun(factory: Factory, flags: WebhookFlags): Promise<WebhookRunResult> {
  const { parseWebhookSecret, createWebhookVerifier } = await import('../../stripe/webhook-signature.js');
  const secret = parseWebhookSecret(secretFrom(flags, factory.env));
  const config = factory.config();
  if (!config.stripe) throw new UsageError('no Stripe key configured', 'pass --stripe-key or set STRIPE_SECRET_KEY');
  if (!config.mongoUri) throw new UsageError('no MongoDB URI configured', 'pass --mongo-uri or set MONGODB_URI');
  const output = factory.output();
  // Log collectors read stderr when nobody watches it.
  const json = output.json || !output.io.stderrIsTTY;
  const say = (message: string, fields: Record<string, unknown> = {}) => output.status(formatMessage(message, fields, { json, now: factory.clock.now() }));

  const [db, gateway] = await Promise.all([factory.database(), factory.stripe()]);
  const outcomes: Record<string, number> = {};
  const server = await listen(
    {
      verifier: createWebhookVerifier(secret),
      gateway,
      repository: db.repository,
      events: db.webhookEvents,
      clock: factory.clock,
      pingDatabase: () => db.admin.serverInfo(),
      deadlineMs: flags.deadlineMs,
      log: (line) => {
        outcomes[line.outcome] = (outcomes[line.outcome] ?? 0) + 1;
        output.status(formatEventLine(line, { json, now: factory.clock.now() }));
      },
    },
    { host: flags.host, port: flags.port, path: flags.path },
  );

  const forwardTo = `stripe listen --forward-to localhost:${server.port}${flags.path}`;
  say(`listening on ${server.url} (${config.stripe.mode} mode)`, { url: server.url, port: server.port, mode: config.stripe.mode });
  say(`forward events with: ${forwardTo}`, { forwardTo });

  await stopped(factory.signal);
  say('shutting down: finishing the deliveries in flight');
  await server.close();
  const summary = Object.entries(outcomes).map(([outcome, n]) => `${outcome} ${n}`).join(', ') || 'no deliveries';
  say(`stopped (${summary})`, { outcomes });
  if (output.json) output.emitJson({ outcomes });
  return { exitCode: ExitCode.ok, outcomes };
}
