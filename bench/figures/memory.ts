/**
 * 2. Memory of `retry --all` as the backlog grows tenfold: the emulator is
 * instant and unlimited, so the run goes as fast as the CLI and the database
 * allow and nothing hides a leak.
 */
import { EmulatorClient } from '../../src/sandbox/emulator/client.js';
import { startStripeEmulator } from '../../src/sandbox/emulator/server.js';
import type { BenchContext } from '../lib/context.js';
import type { FigureResult } from '../lib/report.js';
import { describeCpu, measureRetryAll, type RetryMeasure } from '../lib/retry-run.js';
import { freshCollection } from '../lib/server.js';
import { seedFixable } from '../lib/seed.js';
import { fixed, mb, seconds } from '../lib/stats.js';

const FLAGS = ['--rate', '1000', '--concurrency', '32'];
const CEILING_BYTES = 150 * 1024 * 1024;

export async function memoryFigure(ctx: BenchContext): Promise<FigureResult> {
  // On FerretDB a record costs ~5–10 ms of CPU, so 100,000 take minutes; the quick sizes start past the
  // first thousand records, where the heap settles.
  const [small, large] = ctx.quick ? [1_500, 6_000] : [10_000, 100_000];
  const emulator = await startStripeEmulator();
  const client = new EmulatorClient(emulator.url);
  try {
    const measure = async (n: number): Promise<RetryMeasure> => {
      const collection = `bench_memory_${n}`;
      ctx.log(`memory: seeding ${n} fixable records`);
      await seedFixable(await freshCollection(ctx.server, collection), emulator.url, n, `mem${n}_`);
      ctx.log(`memory: retry --all ${FLAGS.join(' ')} over ${n} records`);
      const m = await measureRetryAll(ctx, client, collection, FLAGS, n);
      await ctx.server.db.collection(collection).drop();
      return m;
    };
    const a = await measure(small);
    const b = await measure(large);
    const ratio = b.peakRssBytes / a.peakRssBytes;
    const f = '2 Memory';
    const label = (n: number) => n.toLocaleString('en-US');
    return {
      rows: [
        { figure: f, measure: `peak RSS, retry --all over ${label(small)}`, value: `${mb(a.peakRssBytes)} (${fixed(a.recordsPerSecond, 0)} records/s, ${seconds(a.wallMs)})` },
        {
          figure: f,
          measure: `peak RSS, retry --all over ${label(large)}`,
          value: `${mb(b.peakRssBytes)} (${fixed(b.recordsPerSecond, 0)} records/s, ${seconds(b.wallMs)})`,
          target: '≤ 150 MB',
          pass: b.peakRssBytes <= CEILING_BYTES,
        },
        { figure: f, measure: `  RSS(${label(large)}) / RSS(${label(small)})`, value: fixed(ratio, 2), target: '≤ 1.25', pass: ratio <= 1.25 },
        { figure: f, measure: `  CPU per record at ${label(large)}: CLI / database / bench (emulator)`, value: describeCpu(b.cpuPerRecord) },
      ],
      notes: [
        `Memory: \`retry --all --json ${FLAGS.join(' ')}\` spawned as an operator runs it (JSON results streamed to a pipe), emulator at 0 ms latency without limits. Peak RSS is the kernel's high-water mark (VmHWM in /proc/<pid>/status) sampled every 50 ms until the process exits.`,
      ],
    };
  } finally {
    await emulator.close();
  }
}
