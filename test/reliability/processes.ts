/**
 * The built binary as cron or an operator runs it (run `npm run build`
 * first; `npm test` does), for the scenarios that need a real process:
 * signals, crashes, two runs at once.
 */
import { execa, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function spawnCli(args: string[], env: NodeJS.ProcessEnv): ResultPromise<{ reject: false }> {
  return execa(process.execPath, ['bin/billing-backfill.cjs', ...args], { cwd: ROOT, env, extendEnv: false, reject: false });
}

/** Polls until `check` holds; fails loudly rather than hanging the suite. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
