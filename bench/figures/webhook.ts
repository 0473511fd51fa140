/**
 * 5. The webhook under load: signed checkout.session.completed deliveries to
 * the spawned `billing-backfill webhook`, each for its own PaymentIntent,
 * from one sender and from 50 concurrent senders.
 */
import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { startStripeEmulator } from '../../src/sandbox/emulator/server.js';
import type { Scenario } from '../../src/sandbox/seed.js';
import { signTestPayload } from '../../src/stripe/test-signing.js';
import { finish, spawnCli } from '../lib/cli.js';
import { cpuMs, ownCpuMs } from '../lib/cpu.js';
import { cliEnv, type BenchContext } from '../lib/context.js';
import type { FigureResult } from '../lib/report.js';
import { freshCollection } from '../lib/server.js';
import { seedFixable } from '../lib/seed.js';
import { fixed, percentile } from '../lib/stats.js';

const SECRET = 'whsec_bench_secret';
const LATENCY_MS = 50;
const SENDERS = 50;
const READY_TIMEOUT_MS = 30_000;

interface LoadResult {
  events: number;
  eventsPerSecond: number;
  latenciesMs: number[];
}

/** Resolves with the endpoint once the server logs that it listens. */
function endpointOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`webhook did not start within ${READY_TIMEOUT_MS} ms: ${buffered.slice(-1000)}`)), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (const line of buffered.split('\n')) {
        const url = /"url":"([^"]+)"/.exec(line)?.[1];
        if (url) {
          clearTimeout(timer);
          child.stderr?.off('data', onData);
          resolve(url);
          return;
        }
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`webhook exited ${code} before listening: ${buffered.slice(-1000)}`)));
  });
}

function post(url: string, agent: Agent, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'stripe-signature': signTestPayload(body, SECRET) },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (s: string) => (text += s));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.end(body);
  });
}

/** `senders` loops, each delivering fresh events back to back for `durationMs`. */
async function load(url: string, sessions: Scenario['stripe']['checkout_sessions'], next: { index: number }, senders: number, durationMs: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: senders });
  const latenciesMs: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  const sender = async () => {
    while (performance.now() < deadline) {
      const i = next.index++;
      const session = sessions[i];
      if (!session) throw new Error(`webhook: ran out of seeded PaymentIntents after ${i} events; seed more`);
      const body = JSON.stringify({ id: `evt_bench_${i}`, object: 'event', type: 'checkout.session.completed', data: { object: { object: 'checkout.session', ...session } } });
      const sentAt = performance.now();
      const res = await post(url, agent, body);
      latenciesMs.push(performance.now() - sentAt);
      if (res.status !== 200 || !res.text.includes('"patched"')) throw new Error(`webhook answered ${res.status} ${res.text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: senders }, sender));
  const elapsed = performance.now() - started;
  agent.destroy();
  return { events: latenciesMs.length, eventsPerSecond: latenciesMs.length / (elapsed / 1000), latenciesMs };
}

export async function webhookFigure(ctx: BenchContext): Promise<FigureResult> {
  const durationMs = ctx.quick ? 3_000 : 10_000;
  // Far more than the fastest run could use: every event needs a PaymentIntent of its own.
  const seeded = ctx.quick ? 6_000 : 20_000;
  const emulator = await startStripeEmulator({ latencyMs: LATENCY_MS });
  let child: ChildProcess | null = null;
  try {
    ctx.log(`webhook: seeding ${seeded} PaymentIntents`);
    const collection = await freshCollection(ctx.server, 'bench_webhook');
    const scenario = await seedFixable(collection, emulator.url, seeded, 'hook');
    // Only the Stripe side is needed: the webhook dead-letters into the collection, it does not read it.
    await collection.deleteMany({});
    child = spawnCli(['webhook', '--port', '0', '--collection', 'bench_webhook'], { ...cliEnv(ctx, emulator.url), STRIPE_WEBHOOK_SECRET: SECRET });
    const exited = finish(child);
    const url = await endpointOf(child);
    const next = { index: 0 };
    ctx.log(`webhook: 1 sender for ${durationMs / 1000} s`);
    const one = await load(url, scenario.stripe.checkout_sessions, next, 1, durationMs);
    ctx.log(`webhook: ${SENDERS} senders for ${durationMs / 1000} s`);
    const cpuBefore = { cli: await cpuMs(child.pid), db: await cpuMs(ctx.server.pid), bench: ownCpuMs() };
    const many = await load(url, scenario.stripe.checkout_sessions, next, SENDERS, durationMs);
    const cpuAfter = { cli: await cpuMs(child.pid), db: await cpuMs(ctx.server.pid), bench: ownCpuMs() };
    const perEvent = (key: 'cli' | 'db' | 'bench') => {
      const [a, b] = [cpuBefore[key], cpuAfter[key]];
      return a === null || b === null ? null : (b - a) / many.events;
    };
    const cpu = { cli: perEvent('cli'), db: perEvent('db'), bench: perEvent('bench') };
    const cpuTotal = (cpu.cli ?? 0) + (cpu.db ?? 0) + (cpu.bench ?? 0);
    child.kill('SIGTERM');
    await exited;
    child = null;

    const p50 = percentile(many.latenciesMs, 50);
    const p99 = percentile(many.latenciesMs, 99);
    const scale = many.eventsPerSecond / one.eventsPerSecond;
    const f = '5 Webhook';
    return {
      rows: [
        { figure: f, measure: `events/s, 1 sender (${one.events} events)`, value: `${fixed(one.eventsPerSecond)} (p50 ${fixed(percentile(one.latenciesMs, 50), 0)} ms)` },
        { figure: f, measure: `events/s, ${SENDERS} senders (${many.events} events)`, value: fixed(many.eventsPerSecond) },
        { figure: f, measure: `  ${SENDERS} senders / 1 sender`, value: `${fixed(scale)}×`, target: '≥ 20×', pass: scale >= 20 },
        { figure: f, measure: `  latency p50 / p99 at ${SENDERS} senders`, value: `${fixed(p50, 0)} ms / ${fixed(p99, 0)} ms` },
        { figure: f, measure: '  p99 / p50', value: fixed(p99 / p50, 2), target: '≤ 3', pass: p99 / p50 <= 3 },
        {
          figure: f,
          measure: `  CPU per event at ${SENDERS} senders: CLI / database / bench`,
          value: [cpu.cli, cpu.db, cpu.bench].map((v) => (v === null ? 'n/a' : `${fixed(v, 1)} ms`)).join(' / '),
        },
        {
          figure: f,
          measure: `  CPU-bound ceiling on ${cpus().length} cores (all three on this machine)`,
          value: `${fixed((cpus().length * 1000) / cpuTotal, 0)} events/s`,
        },
      ],
      notes: [
        `Webhook: \`billing-backfill webhook\` spawned; senders in the bench process POST signed checkout.session.completed events (unique event ids, each for its own seeded PaymentIntent carrying the purchase keys) back to back for ${durationMs / 1000} s over keep-alive connections; every answer must be 200 "patched". Each delivery costs the server two Stripe calls at ${LATENCY_MS} ms emulator latency (read, patch) and the event claim and completion in MongoDB.`,
      ],
    };
  } finally {
    child?.kill('SIGKILL');
    await emulator.close();
  }
}
