/**
 * Scenario 9: secrets. Every command runs from the built binary with a
 * live-looking Stripe key, a whsec_ signing secret and a MongoDB URI with a
 * password, against a MongoDB that is unreachable or refuses the login and a
 * Stripe that is unreachable or answers 500s quoting the secrets back. None
 * of the three may appear in any stdout, stderr or log line, nor in what is
 * stored for later display.
 */
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { checkoutCompletedPayload, useWorld, type SeededSession } from '../helpers/world.js';
import { report } from './invariants.js';
import { spawnCli, waitUntil } from './processes.js';

const world = useWorld();
const KEY = 'sk_live_51PqRsTuVwXyZ0123456789abcdefGHIJKLmnopQRSTuvwxYZ0123456789abcdefGHIJKLmnopQRSTuvwxYZ01234567';
const WHSEC = 'whsec_9f8e7d6c5b4a39281706f5e4d3c2b1a0ZyXwVuTs';
const PASSWORD = 'hunter2secret';
/** Fragments a partial redaction could still leak. */
const SECRETS = [KEY, KEY.slice(8), KEY.slice(-12), WHSEC, WHSEC.slice(6), PASSWORD];
const RECORD_ID = '0123456789abcdef01234567';

function leaks(text: string): string[] {
  return SECRETS.filter((secret) => text.includes(secret));
}

/** Every command, in plain and --json mode, the secrets given through the environment and through flags. */
function commands(): string[][] {
  const each = [
    ['list'],
    ['show', RECORD_ID],
    ['show', 'pi_secret_scenario'],
    ['retry', '--all', '--yes'],
    ['retry', RECORD_ID],
    ['resolve', RECORD_ID, '--yes'],
    ['stats'],
    ['prune', '--resolved-before', '30d', '--yes'],
    ['doctor'],
    ['doctor', '--webhook-secret', WHSEC],
    ['webhook', '--port', '0'],
  ];
  return [...each, ...each.map((args) => [...args, '--json']), ['list', '--stripe-key', KEY, '--mongo-uri', `mongodb://admin:${PASSWORD}@127.0.0.1:1/x`]];
}

async function runAll(env: NodeJS.ProcessEnv): Promise<Array<{ args: string[]; exitCode: number | undefined; output: string }>> {
  const results = [];
  const all = commands();
  // Most of each run is waiting for MongoDB's server selection: two dozen at a time fit two cores.
  for (let i = 0; i < all.length; i += 24) {
    const batch = await Promise.all(all.slice(i, i + 24).map(async (args) => ({ args, run: await spawnCli(args, env) })));
    results.push(...batch.map(({ args, run }) => ({ args, exitCode: run.exitCode, output: `${run.stdout}\n${run.stderr}` })));
  }
  return results;
}

function mongoHost(): string {
  return new URL(world.uri.replace(/^mongodb:/, 'http:')).host;
}

describe('scenario 9: secrets never reach the output', () => {
  it('every command against an unreachable MongoDB and Stripe, then against a MongoDB that refuses the login', async () => {
    const failing = {
      STRIPE_SECRET_KEY: KEY,
      STRIPE_WEBHOOK_SECRET: WHSEC,
      STRIPE_API_BASE: 'http://127.0.0.1:1',
    };
    const [unreachable, refusing] = await Promise.all([
      runAll(world.env({ ...failing, MONGODB_URI: `mongodb://admin:${PASSWORD}@127.0.0.1:1/x` })),
      runAll(world.env({ ...failing, MONGODB_URI: `mongodb://admin:${PASSWORD}@${mongoHost()}/x` })),
    ]);
    for (const { args, exitCode, output } of [...unreachable, ...refusing]) {
      expect(leaks(output), `${args.join(' ')}:\n${output}`).toEqual([]);
      // Each failed on a dependency (3), never silently or with a crash.
      expect(exitCode, `${args.join(' ')}:\n${output}`).toBe(3);
    }
    const lines = [...unreachable, ...refusing].reduce((n, r) => n + r.output.split('\n').filter(Boolean).length, 0);
    report('9 secrets, failing MongoDB', { runs: unreachable.length + refusing.length, outputLines: lines, leaks: 0 });
  }, 120_000);

  it('a Stripe that quotes the secrets back: retry, show, resolve, doctor and webhook log lines stay clean, and so does what is stored', async () => {
    const seeded = await world.seed({ fixable: 2 }, { prefix: 'secret' });
    const id = seeded.ids.get('pi_secret0000000') as string;
    const quoting = { error: { type: 'api_error', message: `upstream failure for ${KEY} signed with ${WHSEC} via mongodb://admin:${PASSWORD}@db` } };
    await world.emulator.addFaults([{ path: '/v1/', status: 500, body: quoting, times: -1 }]);
    const env = world.env({ STRIPE_SECRET_KEY: KEY, STRIPE_WEBHOOK_SECRET: WHSEC });

    const outputs: Array<[string, string]> = [];
    for (const args of [['retry', '--all', '--yes'], ['retry', '--all', '--yes', '--json'], ['show', id], ['show', id, '--json'], ['resolve', id, '--yes'], ['doctor', '--json'], ['list', '--json'], ['stats']]) {
      const run = await spawnCli(args, env);
      outputs.push([args.join(' '), `${run.stdout}\n${run.stderr}`]);
    }

    // The webhook: one event whose patch keeps failing, so its log line carries Stripe's message.
    const webhook = spawnCli(['webhook', '--port', '0'], env);
    let stderr = '';
    webhook.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    await waitUntil('the webhook to listen', () => /--forward-to localhost:\d+/.test(stderr), 20_000);
    const port = /--forward-to localhost:(\d+)/.exec(stderr)?.[1];
    const payload = checkoutCompletedPayload(seeded.stripe.checkout_sessions[1] as SeededSession, 'evt_secret_scenario');
    const res = await fetch(`http://127.0.0.1:${port}/webhook`, {
      method: 'POST',
      headers: { 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: WHSEC }) },
      body: payload,
    });
    const body = await res.text();
    expect(res.status).toBe(200);
    await waitUntil('the event log line', () => stderr.includes('evt_secret_scenario'), 10_000);
    webhook.kill('SIGTERM');
    const stopped = await webhook;
    expect(stopped.exitCode).toBe(0);
    outputs.push(['webhook', `${stopped.stdout}\n${stderr}\n${body}`]);
    expect(stderr).toMatch(/"outcome":"dead-lettered"/);

    for (const [label, output] of outputs) expect(leaks(output), `${label}:\n${output}`).toEqual([]);
    // Stored errors are shown later by list/show and read by other tools: they are kept redacted too.
    const stored = JSON.stringify(await world.records().find({}).toArray());
    expect(stored).toContain('upstream failure for sk_live_');
    expect(leaks(stored)).toEqual([]);
    report('9 secrets, quoting Stripe', { runs: outputs.length, storedRecords: await world.records().countDocuments(), leaks: 0 });
  }, 90_000);
});
