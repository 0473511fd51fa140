import type { DeadLetterRepository, Stats } from '../../core/ports.js';
import { ExitCode } from '../../errors.js';
import { isoOrNull, relativeAge } from '../../io/format.js';
import type { Output } from '../../io/output.js';
import { bar } from './chart.js';

export interface StatsOptions {
  repository: DeadLetterRepository;
  output: Output;
  now: Date;
  days: number;
  top: number;
}

export interface StatsResult {
  stats: Stats;
  exitCode: number;
}

const BAR_WIDTH = 40;

/** The --json document (a contract for monitoring: add fields, never rename). */
export function statsJson(stats: Stats) {
  return {
    unresolved: stats.unresolved,
    resolved: stats.resolved,
    oldestUnresolvedAt: isoOrNull(stats.oldestUnresolvedAt),
    perDay: stats.perDay.map(({ day, count }) => ({ day, count })),
    topErrors: stats.topErrors.map(({ error, count }) => ({ error, count })),
  };
}

/** One key-first line per fact, so `grep`/`awk` can pick what they need. */
function renderPiped(output: Output, stats: Stats): void {
  output.table(
    [],
    [
      ['unresolved', String(stats.unresolved)],
      ['resolved', String(stats.resolved)],
      ['oldestUnresolvedAt', isoOrNull(stats.oldestUnresolvedAt) ?? ''],
      ...stats.perDay.map(({ day, count }) => ['day', day, String(count)]),
      ...stats.topErrors.map(({ error, count }) => ['error', String(count), error]),
    ],
  );
}

function renderTerminal(output: Output, stats: Stats, now: Date, days: number): void {
  const t = output.theme;
  const oldest = stats.oldestUnresolvedAt ? `  oldest failed ${relativeAge(stats.oldestUnresolvedAt, now)} (${stats.oldestUnresolvedAt.toISOString()})` : '';
  output.line(`${'unresolved'.padEnd(11)}${(stats.unresolved > 0 ? t.red : t.green)(String(stats.unresolved))}${oldest}`);
  output.line(`${'resolved'.padEnd(11)}${stats.resolved}`);

  output.line();
  output.line(t.bold(`failures per day, last ${days} day${days === 1 ? '' : 's'} (UTC)`));
  const max = Math.max(0, ...stats.perDay.map((d) => d.count));
  const countWidth = String(max).length;
  for (const { day, count } of stats.perDay) {
    const drawn = count > 0 ? t.cyan(bar(count, max, BAR_WIDTH)) : t.dim('·');
    output.line(`${day}  ${String(count).padStart(countWidth)}  ${drawn}`);
  }

  if (stats.topErrors.length === 0) return;
  output.line();
  output.line(t.bold('most frequent errors of unresolved records'));
  output.table(
    ['count', 'error'],
    stats.topErrors.map(({ error, count }) => [String(count), error]),
    { colWidths: [8, 90] },
  );
}

export async function statsRun(opts: StatsOptions): Promise<StatsResult> {
  const { output } = opts;
  const stats = await opts.repository.stats(opts.now, { days: opts.days, topErrors: opts.top });
  if (output.json) output.emitJson(statsJson(stats));
  else if (output.io.stdoutIsTTY) renderTerminal(output, stats, opts.now, opts.days);
  else renderPiped(output, stats);
  return { stats, exitCode: ExitCode.ok };
}
