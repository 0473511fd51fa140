import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { closeConnection, openConnection } from '../store/connection.js';
import { ensureMongoSandboxBinary, startMongoSandbox } from './mongo-launcher.js';

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    if (check()) return true;
  }
  return check();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An orphan's exit is reaped by whatever adopted it: a container's PID 1
  // may never do that, so a zombie counts as gone.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

describe('startMongoSandbox', () => {
  it('serves a MongoDB-wire server and leaves nothing behind when stopped', async () => {
    const sandbox = await startMongoSandbox();
    try {
      expect(sandbox.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
      expect(isAlive(sandbox.pid)).toBe(true);
      expect(existsSync(sandbox.dataDir)).toBe(true);

      const connection = await openConnection(sandbox.uri);
      try {
        const reply = await connection.db?.admin().command({ ping: 1 });
        expect(reply?.ok).toBe(1);
      } finally {
        await closeConnection(connection);
      }
    } finally {
      await sandbox.stop();
    }

    expect(() => process.kill(sandbox.pid, 0)).toThrow();
    expect(existsSync(sandbox.dataDir)).toBe(false);
    // stopping twice is harmless
    await sandbox.stop();
  });

  it('does not outlive a parent killed with SIGKILL', async () => {
    const binary = await ensureMongoSandboxBinary();
    const dir = await mkdtemp(join(tmpdir(), 'bb-orphan-'));
    // A stand-in parent that starts the sandbox the way startMongoSandbox
    // does (stdin a pipe it holds), reports the pid, then is killed outright.
    const parentScript = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.argv[1], ['-dir', process.argv[2], '-exit-on-stdin-eof'], { stdio: ['pipe', 'pipe', 'ignore'] });
      child.stdout.once('data', () => console.log(child.pid));
    `;
    const parent = spawn(process.execPath, ['-e', parentScript, binary, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(parent.stdout, 'data')) as [Buffer];
      const pid = Number(line.toString().trim());
      expect(isAlive(pid)).toBe(true);
      parent.kill('SIGKILL');
      expect(await waitUntil(() => !isAlive(pid), 10_000)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
