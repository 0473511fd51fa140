/** One line of the results table: a measured value, and the target it is held to (if any). */
export interface Row {
  figure: string;
  measure: string;
  value: string;
  target?: string;
  /** undefined: context, not held to a target. */
  pass?: boolean;
}

/** What a figure hands back: its rows, and notes that explain them in RESULTS.md. */
export interface FigureResult {
  rows: Row[];
  notes: string[];
}

function verdict(row: Row): string {
  if (row.pass === undefined) return '';
  return row.pass ? 'ok' : 'MISS';
}

/** A Markdown table, padded so it also reads well on a terminal. */
export function renderTable(rows: Row[]): string {
  const header = ['figure', 'measure', 'value', 'target', ''];
  const cells = rows.map((r) => [r.figure, r.measure, r.value, r.target ?? '', verdict(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => `| ${c.map((text, i) => text.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
