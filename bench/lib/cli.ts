/**
 * Spawning the built CLI (bin/billing-backfill.cjs, as an operator runs it),
 * with its wall time and peak resident memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { cpuMs } from './cpu.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = 'bin/billing-backfill.cjs';
const RSS_POLL_MS = 50;

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** VmHWM of the process (its peak RSS), 0 where /proc is not available. */
  peakRssBytes: number;
  /** CPU time it used (user + system, last sample before exit), null where /proc is not available. */
  cpuMs: number | null;
}

/** Only what the CLI needs: an operator's own STRIPE_*, MONGODB_URI or NO_COLOR must not leak in. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
}

export function spawnNode(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, args, { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
}

export function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawnNode([BIN, ...args], env);
}

/** The kernel's high-water mark of the process's RSS. */
async function readPeakRss(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    // the process is gone (or this is not Linux)
    return 0;
  }
}

/** Runs a child to its end, collecting its output, wall time and peak RSS. */
export function finish(child: ChildProcess, startedAt = performance.now()): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let peak = 0;
    let cpu: number | null = null;
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    // VmHWM and CPU time only grow, so the last sample before exit is (within one poll) the total.
    const poll = setInterval(() => {
      if (child.pid === undefined) return;
      void readPeakRss(child.pid).then((bytes) => (peak = Math.max(peak, bytes)));
      void cpuMs(child.pid).then((ms) => (cpu = ms === null ? cpu : Math.max(cpu ?? 0, ms)));
    }, RSS_POLL_MS);
    child.once('error', (err) => {
      clearInterval(poll);
      reject(err);
    });
    child.once('close', (code) => {
      clearInterval(poll);
      resolve({ exitCode: code, stdout, stderr, wallMs: performance.now() - startedAt, peakRssBytes: peak, cpuMs: cpu });
    });
  });
}

export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const startedAt = performance.now();
  return finish(spawnCli(args, env), startedAt);
}

/** Fails loudly when a run did not do what the figure assumes, rather than reporting a meaningless number. */
export function expectExit(run: CliRun, code: number, what: string): void {
  if (run.exitCode !== code) {
    throw new Error(`${what} exited ${run.exitCode} (expected ${code}); stderr ends:\n${run.stderr.slice(-2000)}`);
  }
}
