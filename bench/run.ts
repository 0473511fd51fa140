/**
 * `npm run bench [-- --quick] [-- --write-results]`: every figure of the
 * benchmark issue, measured in one run against the sandbox (or MONGODB_URI),
 * printed as one table on stdout; progress goes to stderr.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listingFigure } from './figures/listing.js';
import { memoryFigure } from './figures/memory.js';
import { startupFigure } from './figures/startup.js';
import { throughputFigure } from './figures/throughput.js';
import { webhookFigure } from './figures/webhook.js';
import { ROOT } from './lib/cli.js';
import type { BenchContext } from './lib/context.js';
import { currentLoad, describeMachine } from './lib/machine.js';
import { parseOptions, type FigureName } from './lib/options.js';
import { renderTable, type FigureResult, type Row } from './lib/report.js';
import { renderResults } from './lib/results.js';
import { describeServer, startBenchServer } from './lib/server.js';
import { seconds } from './lib/stats.js';

const RUNNERS: Record<FigureName, (ctx: BenchContext) => Promise<FigureResult>> = {
  throughput: throughputFigure,
  memory: memoryFigure,
  listing: listingFigure,
  startup: startupFigure,
  webhook: webhookFigure,
};

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const log = (message: string) => console.error(`[bench ${seconds(Date.now() - startedAt.getTime())}] ${message}`);
  const loadAtStart = currentLoad();
  const server = await startBenchServer();
  log(`database: ${describeServer(server)}`);
  const ctx: BenchContext = { server, quick: options.quick, log };
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    for (const name of options.figures) {
      const result = await RUNNERS[name](ctx);
      rows.push(...result.rows);
      notes.push(...result.notes);
    }
  } finally {
    await server.stop();
  }
  const elapsedMs = Date.now() - startedAt.getTime();
  const table = renderTable(rows);
  console.log(table);
  log(`done in ${seconds(elapsedMs)}`);
  if (options.writeResults) {
    const file = join(ROOT, 'bench', 'RESULTS.md');
    await writeFile(file, renderResults({ startedAt, elapsedMs, quick: options.quick, machine: describeMachine(), load: [loadAtStart, currentLoad()], server: describeServer(server), table, notes }));
    log(`wrote ${file}`);
  }
  return rows.some((r) => r.pass === false) ? 1 : 0;
}

process.exitCode = await main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  return 2;
});
