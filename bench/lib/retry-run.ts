/** One spawned `retry --all` with what Stripe saw of it, shared by the throughput and memory figures. */
import type { EmulatorClient } from '../../src/sandbox/emulator/client.js';
import { expectExit, runCli } from './cli.js';
import { cliEnv, type BenchContext } from './context.js';

export interface RetryMeasure {
  patched: number;
  wallMs: number;
  recordsPerSecond: number;
  peakRssBytes: number;
  reads: number;
  writes: number;
  rateLimited: number;
}

export async function measureRetryAll(ctx: BenchContext, emulator: EmulatorClient, collection: string, flags: string[], expected: number): Promise<RetryMeasure> {
  const before = await emulator.stats();
  const run = await runCli(['retry', '--all', '--json', '--collection', collection, ...flags], cliEnv(ctx, emulator.baseUrl));
  const after = await emulator.stats();
  expectExit(run, 0, `retry --all ${flags.join(' ')}`);
  const { summary } = JSON.parse(run.stdout) as { summary: { patched: number } };
  if (summary.patched !== expected) throw new Error(`retry --all ${flags.join(' ')} patched ${summary.patched} of ${expected} records`);
  return {
    patched: summary.patched,
    wallMs: run.wallMs,
    recordsPerSecond: summary.patched / (run.wallMs / 1000),
    peakRssBytes: run.peakRssBytes,
    reads: after.reads - before.reads,
    writes: after.writes - before.writes,
    rateLimited: after.rateLimited - before.rateLimited,
  };
}
