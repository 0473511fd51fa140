import { DependencyError, ExitCode, SilentExit, UsageError } from '../../errors.js';
import type { Factory } from '../../factory.js';
import { mixedCounts } from '../../sandbox/seed.js';
import { seedSandbox, startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/sandbox.js';
import type { SandboxFlags } from './command.js';
import { environmentText } from './environment.js';
import { describeSeedCounts } from './seed-summary.js';

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** A busy port is the operator's to fix (exit 2); anything else means the sandbox could not run here (exit 3). */
function startupError(err: unknown, options: SandboxOptions): Error {
  const message = err instanceof Error ? err.message : String(err);
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return new UsageError(`port ${options.stripePort} is already in use`, 'pick another with --stripe-port, or leave it out for a free one');
  }
  if (options.mongoPort !== undefined && /address already in use/i.test(message)) {
    return new UsageError(`port ${options.mongoPort} is already in use`, 'pick another with --mongo-port, or leave it out for a free one');
  }
  return new DependencyError(`could not start the sandbox: ${message.split('\n')[0]}`, 'the embedded MongoDB is built with Go: check `go version`');
}

async function start(options: SandboxOptions): Promise<Sandbox> {
  try {
    return await startSandbox(options);
  } catch (err) {
    throw startupError(err, options);
  }
}

/** Runs until the factory's signal aborts; always ends by throwing (see the end). */
export async function sandboxRun(factory: Factory, flags: SandboxFlags): Promise<never> {
  const output = factory.output();
  const options: SandboxOptions = {
    ...(flags.mongoPort !== undefined ? { mongoPort: flags.mongoPort } : {}),
    ...(flags.stripePort !== undefined ? { stripePort: flags.stripePort } : {}),
  };
  output.status('starting MongoDB (embedded FerretDB) and the Stripe emulator…');
  const sandbox = await start(options);
  try {
    if (flags.seed) {
      const counts = mixedCounts(flags.seed);
      await seedSandbox(sandbox.env, counts, { now: factory.clock.now(), signal: factory.signal });
      output.status(`seeded ${flags.seed} dead letters with their Stripe objects: ${describeSeedCounts(counts)}`);
    }
    // Straight to stdout: Output would redact the fixed sandbox key (public,
    // see SANDBOX_STRIPE_KEY), and the lines are useless without it.
    factory.io.out.write(environmentText(sandbox.env, output.json));
    output.status(`MongoDB (FerretDB, pid ${sandbox.mongo.pid}) at ${sandbox.env.MONGODB_URI}; Stripe emulator at ${sandbox.env.STRIPE_API_BASE}`);
    output.status('press Ctrl-C to stop (the data is deleted)');
    await untilAborted(factory.signal);
  } finally {
    await sandbox.stop();
  }
  output.status('sandbox stopped, data deleted');
  // main() reports a run that ended by a signal as interrupted (130); for the
  // sandbox the signal is the normal way to finish.
  throw new SilentExit(ExitCode.ok);
}
