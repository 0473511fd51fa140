/** One spawned `retry --all` with what Stripe saw of it, shared by the throughput and memory figures. */
import type { EmulatorClient } from '../../src/sandbox/emulator/client.js';
import { expectExit, runCli } from './cli.js';
import { cpuMs, ownCpuMs } from './cpu.js';
import { cliEnv, type BenchContext } from './context.js';

export interface RetryMeasure {
  patched: number;
  wallMs: number;
  /** End to end: spawn to exit, start-up and connection included. */
  recordsPerSecond: number;
  /** While the run moves: from its first Stripe request to its last. */
  steadyRecordsPerSecond: number;
  peakRssBytes: number;
  reads: number;
  writes: number;
  rateLimited: number;
  /** CPU ms per record: the CLI, the database server (null for MONGODB_URI), the bench process (the emulator). */
  cpuPerRecord: { cli: number | null; db: number | null; bench: number };
}

export function describeCpu(cpu: RetryMeasure['cpuPerRecord']): string {
  return [cpu.cli, cpu.db, cpu.bench].map((v) => (v === null ? 'n/a' : `${v.toFixed(1)} ms`)).join(' / ');
}

export async function measureRetryAll(ctx: BenchContext, emulator: EmulatorClient, collection: string, flags: string[], expected: number): Promise<RetryMeasure> {
  const before = await emulator.stats();
  const [dbBefore, benchBefore] = [await cpuMs(ctx.server.pid), ownCpuMs()];
  const run = await runCli(['retry', '--all', '--json', '--collection', collection, ...flags], cliEnv(ctx, emulator.baseUrl));
  const after = await emulator.stats();
  // The log keeps the newest entries in arrival order: this run's are the last reads + writes.
  const log = (await emulator.requests()).slice(-(after.reads + after.writes - before.reads - before.writes));
  const windowMs = log.length > 1 ? Date.parse(log.at(-1)?.at ?? '') - Date.parse(log[0]?.at ?? '') : NaN;
  const [dbAfter, benchAfter] = [await cpuMs(ctx.server.pid), ownCpuMs()];
  expectExit(run, 0, `retry --all ${flags.join(' ')}`);
  const { summary } = JSON.parse(run.stdout) as { summary: { patched: number } };
  if (summary.patched !== expected) throw new Error(`retry --all ${flags.join(' ')} patched ${summary.patched} of ${expected} records`);
  return {
    patched: summary.patched,
    wallMs: run.wallMs,
    recordsPerSecond: summary.patched / (run.wallMs / 1000),
    // n records span n - 1 intervals between the first request and the last.
    steadyRecordsPerSecond: (summary.patched - 1) / (windowMs / 1000),
    peakRssBytes: run.peakRssBytes,
    reads: after.reads - before.reads,
    writes: after.writes - before.writes,
    rateLimited: after.rateLimited - before.rateLimited,
    cpuPerRecord: {
      cli: run.cpuMs === null ? null : run.cpuMs / summary.patched,
      db: dbBefore === null || dbAfter === null ? null : (dbAfter - dbBefore) / summary.patched,
      bench: (benchAfter - benchBefore) / summary.patched,
    },
  };
}
