import { PassThrough, Writable } from 'node:stream';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { paidCheckoutEvent, useWorld } from '../../../test/helpers/world.js';
import { main } from '../../main.js';

const SECRET = 'whsec_cli_test_secret';
const world = useWorld();

describe('webhook: refusing to start', () => {
  it('needs a signing secret (exit 2)', async () => {
    const run = await runCli(['webhook', '--port', '0'], { env: world.env() });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/no webhook signing secret/);
    expect(run.stderr).toMatch(/STRIPE_WEBHOOK_SECRET/);
  });

  it('refuses a malformed secret without echoing it', async () => {
    const run = await runCli(['webhook', '--port', '0', '--secret', 'sk_test_not_a_webhook_secret'], { env: world.env() });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/signing secret is malformed/);
    expect(run.stderr).not.toContain('not_a_webhook_secret');
  });

  it.each([
    ['a Stripe key', 'STRIPE_SECRET_KEY', /no Stripe key/],
    ['MongoDB', 'MONGODB_URI', /no MongoDB URI/],
  ])('needs %s (exit 2)', async (_name, variable, message) => {
    const run = await runCli(['webhook', '--port', '0'], { env: world.env({ STRIPE_WEBHOOK_SECRET: SECRET, [variable]: '' }) });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('rejects a bad --path or --deadline-ms as usage errors', async () => {
    expect((await runCli(['webhook', '--path', 'webhook'], { env: world.env() })).exitCode).toBe(2);
    expect((await runCli(['webhook', '--deadline-ms', '60000'], { env: world.env() })).exitCode).toBe(2);
  });
});

/** Runs `webhook` through main with live stderr, so the test can talk to it while it serves. */
function serve(args: string[], opts: { tty: boolean; env: NodeJS.ProcessEnv }) {
  let stderr = '';
  let stdout = '';
  const waiters: Array<() => void> = [];
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        append(chunk.toString('utf8'));
        for (const wake of waiters.splice(0)) wake();
        cb();
      },
    });
  const controller = new AbortController();
  const exit = main(['node', 'billing-backfill', 'webhook', ...args], {
    io: {
      in: new PassThrough(),
      out: sink((s) => (stdout += s)),
      err: sink((s) => (stderr += s)),
      stdinIsTTY: opts.tty,
      stdoutIsTTY: opts.tty,
      stderrIsTTY: opts.tty,
    },
    env: opts.env,
    signal: controller.signal,
  });
  const waitFor = async (pattern: RegExp): Promise<RegExpExecArray> => {
    for (;;) {
      const match = pattern.exec(stderr);
      if (match) return match;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { exit, waitFor, stop: () => controller.abort(), stderr: () => stderr, stdout: () => stdout };
}


async function post(port: string, payload: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/webhook`, {
    method: 'POST',
    headers: { 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }) },
    body: payload,
  });
  return res.status;
}

describe('webhook: serving', () => {
  it('logs JSON lines on a piped stderr, never the secret, and stops cleanly on a signal', async () => {
    const server = serve(['--port', '0'], { tty: false, env: world.env({ STRIPE_WEBHOOK_SECRET: SECRET }) });
    const [, port = ''] = await server.waitFor(/stripe listen --forward-to localhost:(\d+)\/webhook/);
    const event = await paidCheckoutEvent(world);

    expect(await post(port, event.payload)).toBe(200);
    await server.waitFor(/"outcome":"patched"/);
    server.stop();

    expect(await server.exit).toBe(0);
    const lines = server.stderr().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ message: expect.stringMatching(/^listening on http:\/\/127\.0\.0\.1:\d+\/webhook/) });
    expect(lines[1]).toMatchObject({ forwardTo: `stripe listen --forward-to localhost:${port}/webhook` });
    expect(lines.find((l) => l.outcome === 'patched')).toMatchObject({
      eventId: JSON.parse(event.payload).id,
      type: 'checkout.session.completed',
      paymentIntentId: event.paymentIntentId,
      status: 200,
      durationMs: expect.any(Number),
    });
    expect(lines.at(-1)).toMatchObject({ outcomes: { patched: 1 } });
    expect(server.stderr()).not.toContain(SECRET);
    expect(server.stdout()).toBe('');
    expect((await world.emulator.paymentIntent(event.paymentIntentId))?.metadata.stripeSessionId).toBe(event.sessionId);
  });

  it('prints short human lines on a terminal, and one JSON summary on stdout with --json', async () => {
    const human = serve(['--port', '0'], { tty: true, env: world.env({ STRIPE_WEBHOOK_SECRET: SECRET }) });
    const [, port = ''] = await human.waitFor(/forward events with: stripe listen --forward-to localhost:(\d+)\/webhook/);
    expect(await post(port, (await paidCheckoutEvent(world)).payload)).toBe(200);
    await human.waitFor(/^200 {2}patched/m);
    human.stop();
    expect(await human.exit).toBe(0);
    expect(human.stderr()).toMatch(/stopped \(patched 1\)/);

    const json = serve(['--port', '0', '--json'], { tty: true, env: world.env({ STRIPE_WEBHOOK_SECRET: SECRET }) });
    await json.waitFor(/"forwardTo"/);
    json.stop();
    expect(await json.exit).toBe(0);
    expect(JSON.parse(json.stdout())).toEqual({ outcomes: {} });
  });
});
