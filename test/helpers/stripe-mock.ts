/**
 * Stripe's official stripe-mock, the contract peer: installed with the
 * machine's Go through the module proxy (cached), started on free ports.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const STRIPE_MOCK_VERSION = 'v0.197.0';

function cacheDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'billing-backfill', `stripe-mock-${STRIPE_MOCK_VERSION}`);
}

export async function ensureStripeMock(): Promise<string> {
  const bin = join(cacheDir(), 'stripe-mock');
  if (existsSync(bin)) return bin;
  await promisify(execFile)('go', ['install', `github.com/stripe/stripe-mock@${STRIPE_MOCK_VERSION}`], {
    env: { ...process.env, GOBIN: cacheDir() },
    timeout: 300_000,
  });
  return bin;
}

export async function startStripeMock(): Promise<{ url: string; stop(): Promise<void> }> {
  const bin = await ensureStripeMock();
  const child = spawn(bin, ['-http-addr', '127.0.0.1:', '-https-addr', '127.0.0.1:'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`stripe-mock did not start: ${seen.slice(-500)}`)), 30_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /Listening for HTTP at address: (127\.0\.0\.1:\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(`http://${match[1]}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`stripe-mock exited with ${code}: ${seen.slice(-500)}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
