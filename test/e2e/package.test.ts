/**
 * The packed package installs into an empty directory and runs without the
 * dev tree: only what `files` ships, with its production dependencies.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('npm pack', () => {
  it('installs into an empty directory and runs --version, --help and a command', async () => {
    const packDir = await mkdtemp(join(tmpdir(), 'bb-pack-'));
    const installDir = await mkdtemp(join(tmpdir(), 'bb-install-'));
    dirs.push(packDir, installDir);

    const packed = await execa('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: root });
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const shipped = info!.files.map((f) => f.path);
    expect(shipped).toContain('bin/billing-backfill.cjs');
    expect(shipped).toContain('dist/billing-backfill.cjs');
    expect(shipped).toContain('tools/mongo-sandbox/main.go');
    // Nothing from the dev tree: no sources, tests, benchmarks or compiled tests.
    expect(shipped.filter((p) => /^(src|test|bench)\//.test(p) || /\.test\.js$/.test(p))).toEqual([]);

    await execa('npm', ['init', '-y'], { cwd: installDir });
    await execa('npm', ['install', '--no-audit', '--no-fund', join(packDir, info!.filename)], { cwd: installDir });
    const bin = join(installDir, 'node_modules', '.bin', 'billing-backfill');

    const version = await execa(bin, ['--version'], { cwd: installDir });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await execa(bin, ['--help'], { cwd: installDir });
    expect(help.stdout).toContain('Usage: billing-backfill');
    for (const command of ['list', 'show', 'retry', 'resolve', 'stats', 'prune', 'doctor', 'webhook', 'sandbox']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    // The bundle finds its external dependencies in the install: `list` loads mongoose
    // and reports the unreachable server (exit 3), not a missing module.
    const list = await execa(bin, ['list', '--mongo-uri', 'mongodb://127.0.0.1:1/none'], { cwd: installDir, reject: false });
    expect(list.stderr).toMatch(/MongoDB is unreachable/);
    expect(list.exitCode).toBe(3);
    // Dev dependencies are not installed with it.
    const installed = await readdir(join(installDir, 'node_modules'));
    expect(installed).not.toContain('vitest');
    expect(installed).toContain('stripe');
  }, 180_000);
});
