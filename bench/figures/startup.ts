/** 4. Start-up: the CLI's --help and --version against a bare `node -e 0`. */
import type { BenchContext } from '../lib/context.js';
import { expectExit, finish, spawnNode } from '../lib/cli.js';
import type { FigureResult } from '../lib/report.js';
import { fixed, median } from '../lib/stats.js';

const CASES = {
  'node -e 0': ['-e', '0'],
  'billing-backfill --help': ['bin/billing-backfill.cjs', '--help'],
  'billing-backfill --version': ['bin/billing-backfill.cjs', '--version'],
  // Context: what commander alone costs an ESM entry point, the floor under any CLI built on it.
  'commander-only --version': ['bench/fixtures/commander-floor.mjs', '--version'],
} as const;

export async function startupFigure(ctx: BenchContext): Promise<FigureResult> {
  const runs = ctx.quick ? 7 : 21;
  ctx.log(`startup: ${runs} runs of each, interleaved`);
  const times = Object.fromEntries(Object.keys(CASES).map((name) => [name, [] as number[]])) as Record<keyof typeof CASES, number[]>;
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
  const ratio = (name: keyof typeof CASES) => median(times[name]) / base;
  const value = (name: keyof typeof CASES) => `${fixed(ratio(name), 2)}× (${fixed(median(times[name]), 0)} ms)`;
  const row = (name: 'billing-backfill --help' | 'billing-backfill --version') => ({
    figure: f,
    measure: `${name} / node -e 0`,
    value: value(name),
    target: '≤ 2.0×',
    pass: ratio(name) <= 2.0,
  });
  return {
    rows: [
      { figure: f, measure: 'node -e 0', value: `${fixed(base, 0)} ms` },
      row('billing-backfill --help'),
      row('billing-backfill --version'),
      { figure: f, measure: '  floor: an ESM file that only runs commander --version', value: value('commander-only --version') },
    ],
    notes: [
      `Start-up: median wall time of ${runs} spawns each (spawn to exit, interleaved after one warm-up round), with a minimal environment (PATH and HOME only; e.g. NODE_EXTRA_CA_CERTS would add its own cost to every case). --help and --version load no mongoose, stripe SDK or prompt library (test/e2e/lazy-loading.test.ts). The CLI ships as one CommonJS bundle (scripts/build.mjs): with a per-file ES module build, --help took 3.1× (the ES module loader alone costs about 15 ms). The floor row is what an unbundled ES module entry point plus commander costs before any code runs.`,
    ],
  };
}
