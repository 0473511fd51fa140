export const FIGURES = ['throughput', 'memory', 'listing', 'startup', 'webhook'] as const;
export type FigureName = (typeof FIGURES)[number];

export interface BenchOptions {
  quick: boolean;
  /** Write bench/RESULTS.md from this run. */
  writeResults: boolean;
  figures: FigureName[];
}

const USAGE = `usage: npm run bench -- [--quick] [--write-results] [--only ${FIGURES.join(',')}]`;

export function parseOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = { quick: false, writeResults: false, figures: [...FIGURES] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--write-results') options.writeResults = true;
    else if (arg === '--only') options.figures = parseFigures(argv[++i]);
    else if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return options;
}

function parseFigures(list: string | undefined): FigureName[] {
  const names = (list ?? '').split(',').filter(Boolean);
  const unknown = names.filter((n) => !(FIGURES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) throw new Error(`--only takes a comma-separated subset of ${FIGURES.join(', ')}`);
  return names as FigureName[];
}
