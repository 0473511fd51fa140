/**
 * --help, --version and a bad flag never load mongoose, the stripe SDK or
 * the prompt library, and never connect: a CLI that takes a second to print
 * its help is a bad CLI. A real command does load them (the control).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bb-imports-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadedBy(args: string[], name: string): Promise<{ loaded: string[]; exitCode: number | undefined }> {
  const log = join(dir, `${name}.log`);
  const run = await execa('node', ['--import', './test/fixtures/import-log.mjs', 'bin/billing-backfill.cjs', ...args], {
    cwd: root,
    reject: false,
    // An unreachable database: nothing may try it for --help.
    env: { BB_IMPORT_LOG: log, MONGODB_URI: 'mongodb://127.0.0.1:1/none', STRIPE_SECRET_KEY: 'sk_test_lazy' },
  });
  const text = await readFile(log, 'utf8').catch(() => '');
  return { loaded: text.split('\n').filter(Boolean), exitCode: run.exitCode };
}

describe('lazy loading', () => {
  it.each([
    [['--help'], 0],
    [['--version'], 0],
    [['retry', '--help'], 0],
    [['list', '--limit', 'nope'], 2],
    [['no-such-command'], 2],
  ])('%j loads no heavy dependency (exit %i)', async (args, code) => {
    const { loaded, exitCode } = await loadedBy(args, args.join('_').replace(/\W/g, ''));
    expect(exitCode).toBe(code);
    expect(loaded).toEqual([]);
  });

  it('a real command does load mongoose (the hook works)', async () => {
    const { loaded, exitCode } = await loadedBy(['stats', '--offline-check-unused'].slice(0, 1), 'stats');
    expect(exitCode).toBe(3);
    expect(loaded.some((url) => url.includes('/mongoose/'))).toBe(true);
  }, 30_000);
});
