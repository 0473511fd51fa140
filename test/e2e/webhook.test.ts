/**
 * The built binary as an operator runs it next to `stripe listen`
 * (run `npm run build` first).
 */
import { execa, type ResultPromise } from 'execa';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { paidCheckoutEvent, useWorld } from '../helpers/world.js';

const SECRET = 'whsec_e2e_test_secret';
const BIN = 'bin/billing-backfill.cjs';
const world = useWorld();
let child: ResultPromise | null = null;

afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  child = null;
});

function start(): { process: ResultPromise; port: Promise<string> } {
  const proc = execa(process.execPath, [BIN, 'webhook', '--port', '0', '--secret', SECRET], { env: world.env(), reject: false });
  child = proc;
  let stderr = '';
  const port = new Promise<string>((resolve, reject) => {
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /stripe listen --forward-to localhost:(\d+)\/webhook/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
    proc.once('exit', () => reject(new Error(`webhook exited before listening:\n${stderr}`)));
  });
  return { process: proc, port };
}


function post(port: string, payload: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/webhook`, {
    method: 'POST',
    headers: { 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }) },
    body: payload,
  });
}

describe('billing-backfill webhook (binary)', () => {
  it('prints the forward-to line, patches a signed event, and finishes a slow one on SIGTERM before exiting 0', async () => {
    const server = start();
    const port = await server.port;

    const first = await paidCheckoutEvent(world);
    expect((await post(port, first.payload)).status).toBe(200);
    expect((await world.emulator.paymentIntent(first.paymentIntentId))?.metadata.stripeSessionId).toBe(first.sessionId);

    const slow = await paidCheckoutEvent(world);
    await world.emulator.addFaults([{ method: 'GET', path: '/v1/payment_intents', delayMs: 1500 }]);
    const inFlight = post(port, slow.payload);
    await new Promise((resolve) => setTimeout(resolve, 400));
    server.process.kill('SIGTERM');

    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ received: true, outcome: 'patched' });
    const result = await server.process;
    expect(result.exitCode).toBe(0);
    expect(String(result.stderr)).not.toContain(SECRET);
    expect(String(result.stdout)).toBe('');
    expect((await world.emulator.paymentIntent(slow.paymentIntentId))?.metadata.stripeSessionId).toBe(slow.sessionId);
  });

  it('refuses to start without a signing secret (exit 2)', async () => {
    const result = await execa(process.execPath, [BIN, 'webhook', '--port', '0'], { env: world.env({ STRIPE_WEBHOOK_SECRET: '' }), reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/no webhook signing secret/);
  });

  it('documents itself', async () => {
    const result = await execa(process.execPath, [BIN, 'webhook', '--help'], { reject: false });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/stripe listen --forward-to localhost:4242\/webhook/);
    expect(result.stdout).toMatch(/--deadline-ms/);
  });
});
