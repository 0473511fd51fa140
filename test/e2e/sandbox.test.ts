/**
 * `billing-backfill sandbox` as the built binary (run `npm run build` first):
 * what a script reading its first lines gets, and that a signal leaves
 * nothing behind.
 */
import { existsSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning, watchSandboxChildren } from '../helpers/sandbox-processes.js';

const BIN = 'bin/billing-backfill.cjs';
let running: ResultPromise | null = null;

afterEach(() => {
  if (running?.exitCode === null) running.kill('SIGKILL');
  running = null;
});

function firstLines(child: ResultPromise, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const lines = text.split('\n');
      if (lines.length > count) resolve(lines.slice(0, count));
    });
    child.once('exit', () => reject(new Error(`sandbox exited before printing ${count} lines:\n${text}`)));
  });
}

async function stopAndCheck(child: ResultPromise, signal: NodeJS.Signals, watcher: ReturnType<typeof watchSandboxChildren>): Promise<void> {
  watcher.look();
  const sent = Date.now();
  child.kill(signal);
  const result = await child;
  watcher.stop();
  expect(result.exitCode).toBe(0);
  expect(Date.now() - sent).toBeLessThan(5_000);
  expect(String(result.stderr)).toMatch(/sandbox stopped, data deleted/);
  const databases = [...watcher.seen.values()];
  expect(databases).toHaveLength(1);
  for (const db of databases) {
    expect(isRunning(db.pid)).toBe(false);
    expect(db.dataDir && existsSync(db.dataDir)).toBe(false);
  }
}

describe('billing-backfill sandbox (binary)', () => {
  it('prints the export lines, serves the seeded records, and on SIGTERM exits 0 leaving no process or temp dir', async () => {
    const child = execa(process.execPath, [BIN, 'sandbox', '--seed', '10'], { reject: false });
    running = child;
    const watcher = watchSandboxChildren(child.pid!);
    const lines = await firstLines(child, 3);
    expect(lines.map((l) => l.split('=')[0])).toEqual(['export MONGODB_URI', 'export STRIPE_API_BASE', 'export STRIPE_SECRET_KEY']);
    const env = Object.fromEntries(lines.map((l) => l.replace(/^export /, '').split(/=(.*)/s).slice(0, 2)));

    const list = await execa(process.execPath, [BIN, 'list', '--json'], { env, reject: false });
    expect(list.exitCode).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ total: 10 });
    expect(JSON.parse(list.stdout).items).toHaveLength(10);

    await stopAndCheck(child, 'SIGTERM', watcher);
  });

  it('prints one JSON line with --json and stops on SIGINT too', async () => {
    const child = execa(process.execPath, [BIN, 'sandbox', '--json'], { reject: false });
    running = child;
    const watcher = watchSandboxChildren(child.pid!);
    const [line] = await firstLines(child, 1);
    expect(Object.keys(JSON.parse(line ?? ''))).toEqual(['MONGODB_URI', 'STRIPE_API_BASE', 'STRIPE_SECRET_KEY']);
    await stopAndCheck(child, 'SIGINT', watcher);
    expect(String((await child).stdout).trimEnd().split('\n')).toHaveLength(1);
  });
});
