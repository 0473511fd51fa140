/** 4. Start-up: the CLI's --help and --version against a bare `node -e 0`. */
import type { BenchContext } from '../lib/context.js';
import { expectExit, finish, spawnNode } from '../lib/cli.js';
import type { FigureResult } from '../lib/report.js';
import { fixed, median } from '../lib/stats.js';

const CASES = {
  'node -e 0': ['-e', '0'],
  'billing-backfill --help': ['bin/billing-backfill.js', '--help'],
  'billing-backfill --version': ['bin/billing-backfill.js', '--version'],
} as const;

export async function startupFigure(ctx: BenchContext): Promise<FigureResult> {
  const runs = ctx.quick ? 9 : 21;
  ctx.log(`startup: ${runs} runs of each, interleaved`);
  const times: Record<keyof typeof CASES, number[]> = { 'node -e 0': [], 'billing-backfill --help': [], 'billing-backfill --version': [] };
  // Interleaved, plus one unmeasured round to warm the file cache.
  for (let round = -1; round < runs; round++) {
    for (const [name, args] of Object.entries(CASES) as Array<[keyof typeof CASES, readonly string[]]>) {
      const run = await finish(spawnNode([...args]));
      expectExit(run, 0, name);
      if (round >= 0) times[name].push(run.wallMs);
    }
  }
  const base = median(times['node -e 0']);
  const f = '4 Start-up';
  const row = (name: 'billing-backfill --help' | 'billing-backfill --version') => {
    const ratio = median(times[name]) / base;
    return { figure: f, measure: `${name} / node -e 0`, value: `${fixed(ratio, 2)}× (${fixed(median(times[name]), 0)} ms)`, target: '≤ 2.0×', pass: ratio <= 2.0 };
  };
  return {
    rows: [{ figure: f, measure: 'node -e 0', value: `${fixed(base, 0)} ms` }, row('billing-backfill --help'), row('billing-backfill --version')],
    notes: [`Start-up: median wall time of ${runs} spawns each (spawn to exit, interleaved after one warm-up round).`],
  };
}
