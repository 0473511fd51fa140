import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { isRunning, sandboxChildrenOf } from '../../../test/helpers/sandbox-processes.js';
import { main } from '../../main.js';
import { SANDBOX_STRIPE_KEY } from '../../sandbox/sandbox.js';
import { environmentText } from './environment.js';
import { describeSeedCounts } from './seed-summary.js';

/** A text sink that can wait for what a still-running command has written so far. */
function sink() {
  let text = '';
  const waiters: Array<() => void> = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      text += chunk.toString();
      for (const wake of waiters.splice(0)) wake();
      cb();
    },
  });
  const waitFor = async (test: (text: string) => boolean): Promise<string> => {
    while (!test(text)) await new Promise<void>((resolve) => waiters.push(resolve));
    return text;
  };
  return { stream, waitFor, text: () => text };
}

/** `sandbox` in-process, running until `stop()` aborts it as SIGINT would. */
function startSandboxCommand(args: string[]) {
  const out = sink();
  const err = sink();
  const controller = new AbortController();
  const exit = main(['node', 'billing-backfill', 'sandbox', ...args], {
    io: { in: new PassThrough(), out: out.stream, err: err.stream, stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false },
    env: {},
    signal: controller.signal,
  });
  return {
    out,
    err,
    exit,
    stop: () => {
      controller.abort();
      return exit;
    },
  };
}

function parseExports(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
}

function busyPort(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : 0, server });
    });
  });
}

describe('billing-backfill sandbox', () => {
  it('seeds, prints the export lines once the data is there, and stops cleanly (exit 0) on the signal', async () => {
    const run = startSandboxCommand(['--seed', '6']);
    const stdout = await run.out.waitFor((t) => t.split('\n').length > 3);
    const env = parseExports(stdout);
    expect(stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(Object.keys(env)).toEqual(['MONGODB_URI', 'STRIPE_API_BASE', 'STRIPE_SECRET_KEY']);
    expect(env.STRIPE_SECRET_KEY).toBe(SANDBOX_STRIPE_KEY);
    const stderr = await run.err.waitFor((t) => t.includes('press Ctrl-C'));
    expect(stderr).toMatch(/seeded 6 dead letters with their Stripe objects: \d+ fixable/);
    const pid = Number(/pid (\d+)/.exec(stderr)?.[1]);
    const dataDir = sandboxChildrenOf(process.pid).find((c) => c.pid === pid)?.dataDir;
    expect(dataDir && existsSync(dataDir)).toBe(true);

    const list = await runCli(['list', '--json'], { env });
    expect(list.exitCode).toBe(0);
    expect(JSON.parse(list.stdout).total).toBe(6);
    const show = await runCli(['show', 'pi_seed0000000', '--json'], { env });
    expect(show.exitCode).toBe(0);

    expect(await run.stop()).toBe(0);
    expect(run.err.text()).toMatch(/sandbox stopped, data deleted\n$/);
    expect(isRunning(pid)).toBe(false);
    expect(existsSync(dataDir!)).toBe(false);
    expect(run.out.text()).toBe(stdout);
  });

  it('prints one JSON line with --json, and no seed by default', async () => {
    const run = startSandboxCommand(['--json']);
    const stdout = await run.out.waitFor((t) => t.includes('\n'));
    expect(stdout.split('\n')).toEqual([expect.any(String), '']);
    const env = JSON.parse(stdout) as Record<string, string>;
    expect(Object.keys(env).sort()).toEqual(['MONGODB_URI', 'STRIPE_API_BASE', 'STRIPE_SECRET_KEY']);
    const list = await runCli(['list', '--json'], { env });
    expect(JSON.parse(list.stdout).total).toBe(0);
    expect(await run.stop()).toBe(0);
    expect(run.err.text()).not.toMatch(/seeded/);
  });

  it('refuses a busy --stripe-port (exit 2) and leaves nothing running', async () => {
    const busy = await busyPort();
    try {
      const run = await runCli(['sandbox', '--stripe-port', String(busy.port)]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain(`port ${busy.port} is already in use`);
      expect(run.stdout).toBe('');
    } finally {
      busy.server.close();
    }
  });

  it('rejects bad flags before starting anything, and documents itself', async () => {
    expect((await runCli(['sandbox', '--seed', '-1'])).exitCode).toBe(2);
    expect((await runCli(['sandbox', '--mongo-port', '70000'])).exitCode).toBe(2);
    const help = await runCli(['sandbox', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('billing-backfill sandbox --seed 25');
    expect(help.stdout).toContain('--json');
  });
});

describe('environment lines', () => {
  it('quotes only values a shell would split or expand', () => {
    expect(environmentText({ A: 'mongodb://127.0.0.1:1/billing', B: "it's $HOME" }, false)).toBe("export A=mongodb://127.0.0.1:1/billing\nexport B='it'\\''s $HOME'\n");
    expect(environmentText({ A: 'x' }, true)).toBe('{"A":"x"}\n');
  });

  it('describes a seed in words', () => {
    expect(describeSeedCounts({ fixable: 3, conflict: 1, missing: 2, refunded: 0 })).toBe('3 fixable, 1 conflicting session, 2 PaymentIntents that no longer exist');
  });
});
