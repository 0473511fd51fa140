/**
 * The webhook part of the demo: the real `webhook` command in the background,
 * a newly paid PaymentIntent in the emulator, and a checkout.session.completed
 * event signed as Stripe signs it, posted the way Stripe delivers it.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, ExitCode } from '../../errors.js';
import { EmulatorClient } from '../../sandbox/emulator/client.js';
import type { SandboxEnv } from '../../sandbox/sandbox.js';
import { buildScenario, loadStripeObjects } from '../../sandbox/seed.js';
import type { Narrator } from './narrator.js';

const READY_TIMEOUT_MS = 15_000;
const POLL_MS = 100;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function broke(message: string): CliError {
  return new CliError(`the demo broke: ${message}`, ExitCode.recordsFailed, 'please report it');
}

/** Resolves once /healthz answers 200; rejects if the command ends first or never gets there. */
async function waitUntilReady(port: number, done: Promise<number>): Promise<void> {
  let exited: number | null = null;
  void done.then((code) => (exited = code));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited !== null) throw broke(`\`billing-backfill webhook\` exited ${exited} before it was ready`);
    const healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (healthy) return;
    await sleep(POLL_MS);
  }
  throw broke(`\`billing-backfill webhook\` was not ready after ${READY_TIMEOUT_MS / 1000} s`);
}

function metadataText(metadata: Record<string, string> | undefined): string {
  return Object.entries(metadata ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

export async function webhookStep(narrator: Narrator, sandbox: SandboxEnv, now: Date): Promise<void> {
  const { output } = narrator;
  const secret = `whsec_${randomBytes(24).toString('hex')}`;
  const port = await freePort();
  const args = ['webhook', '--port', String(port)];
  narrator.show(args, 'STRIPE_WEBHOOK_SECRET=whsec_… ');
  const server = narrator.start(args, { STRIPE_WEBHOOK_SECRET: secret });
  let stopped = false;
  try {
    await waitUntilReady(port, server.done);

    const paid = buildScenario({ fixable: 1 }, { now, prefix: 'new' });
    await loadStripeObjects(sandbox.STRIPE_API_BASE, paid.stripe);
    const session = paid.stripe.checkout_sessions[0] as { id: string; payment_intent: string };
    const emulator = new EmulatorClient(sandbox.STRIPE_API_BASE);
    narrator.explain(`A customer just paid: Checkout Session ${session.id}, PaymentIntent ${session.payment_intent}.`);
    output.line(`PaymentIntent metadata before: ${metadataText((await emulator.paymentIntent(session.payment_intent))?.metadata)}`);

    const payload = JSON.stringify({
      id: `evt_demo_${randomBytes(6).toString('hex')}`,
      object: 'event',
      type: 'checkout.session.completed',
      created: Math.floor(now.getTime() / 1000),
      data: { object: { ...session, object: 'checkout.session' } },
    });
    narrator.explain('Stripe delivers checkout.session.completed, signed with the endpoint secret:');
    const { signTestPayload } = await import('../../stripe/test-signing.js');
    const response = await fetch(`http://127.0.0.1:${port}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signTestPayload(payload, secret) },
      body: payload,
    });
    const answer = await response.text();
    output.line(`POST /webhook → ${response.status} ${answer}`);
    const metadata = (await emulator.paymentIntent(session.payment_intent))?.metadata;
    output.line(`PaymentIntent metadata after:  ${metadataText(metadata)}`);
    if (!response.ok || metadata?.stripeSessionId !== session.id) throw broke(`the webhook did not patch ${session.payment_intent} (HTTP ${response.status})`);

    narrator.explain('Stopping the webhook as Ctrl-C would: it finishes deliveries in flight first.');
    stopped = true;
    narrator.check(args, await server.stop(), { codes: [ExitCode.ok] }, false);
  } finally {
    if (!stopped) await server.stop();
  }
}
