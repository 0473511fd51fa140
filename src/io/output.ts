/**
 * The one output layer: commands never write to streams themselves. Data goes
 * to stdout (a table on a terminal, tab-separated lines when piped, one JSON
 * document with --json); status, warnings and progress go to stderr. Every
 * line passes through secret redaction.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { createRequire } from 'node:module';
import type TableConstructor from 'cli-table3';
import { redactSecrets } from '../errors.js';
import { JsonObjectStream } from './json-stream.js';
import type { IOStreams } from './streams.js';

// Loaded on the first table, not at start-up: --help and piped runs never need it.
const requireCommonJs = createRequire(import.meta.url);
let Table: typeof TableConstructor | null = null;

export interface OutputOptions {
  json: boolean;
  color: boolean;
}

export interface Progress {
  tick(label?: string): void;
  done(): void;
}

export class Output {
  readonly theme: ChalkInstance;

  constructor(
    readonly io: IOStreams,
    readonly options: OutputOptions,
  ) {
    this.theme = new Chalk({ level: options.color ? 1 : 0 });
  }

  get json(): boolean {
    return this.options.json;
  }

  /** A data line on stdout (suppressed in JSON mode, where only `emitJson` writes stdout). */
  line(text = ''): void {
    if (this.options.json) return;
    this.io.out.write(`${redactSecrets(text)}\n`);
  }

  /** Text exactly as given (redacted) on stdout, in every mode: for commands that format their own document. */
  write(text: string): void {
    this.io.out.write(redactSecrets(text));
  }

  /** The single JSON document of a --json run. */
  emitJson(value: unknown): void {
    this.io.out.write(`${redactSecrets(JSON.stringify(value, null, this.io.stdoutIsTTY ? 2 : 0))}\n`);
  }

  status(text: string): void {
    this.io.err.write(`${redactSecrets(text)}\n`);
  }

  warn(text: string): void {
    this.status(this.theme.yellow(`warning: ${text}`));
  }

  error(text: string, hint?: string): void {
    this.status(this.theme.red(`error: ${text}`));
    if (hint) this.status(this.theme.dim(`hint: ${hint}`));
  }

  /** A table on a terminal, tab-separated rows (no header decoration, no colour) when piped. */
  table(headers: string[], rows: string[][], opts: { colWidths?: Array<number | null> } = {}): void {
    if (this.options.json) return;
    if (!this.io.stdoutIsTTY) {
      for (const row of rows) this.io.out.write(`${redactSecrets(row.map((c) => c.replace(/[\t\n]/g, ' ')).join('\t'))}\n`);
      return;
    }
    Table ??= requireCommonJs('cli-table3') as typeof TableConstructor;
    const table = new Table({
      head: headers.map((h) => this.theme.bold(h)),
      style: { head: [], border: [] },
      wordWrap: true,
      ...(opts.colWidths ? { colWidths: opts.colWidths } : {}),
    });
    for (const row of rows) table.push(row);
    this.io.out.write(`${redactSecrets(table.toString())}\n`);
  }

  /** A progress bar on stderr, only when stderr is a terminal and nothing parses our output. */
  progress(total: number, label: string): Progress {
    if (!this.io.stderrIsTTY || this.options.json || total <= 0) return { tick() {}, done() {} };
    let count = 0;
    let lastDraw = 0;
    const draw = () => {
      const width = 30;
      const filled = Math.round((count / total) * width);
      this.io.err.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${count}/${total}`);
    };
    return {
      tick() {
        count++;
        const now = Date.now();
        if (now - lastDraw > 100 || count === total) {
          lastDraw = now;
          draw();
        }
      },
      done: () => {
        draw();
        this.io.err.write('\n');
      },
    };
  }
}

/** The --json document, streamed (see JsonObjectStream). */
export function jsonStream(output: Output): JsonObjectStream {
  return new JsonObjectStream(output.io.out);
}
