/**
 * Runs the CLI in-process through `main`, with captured streams, an injected
 * env and optional terminal flags: the same code path as the binary, minus
 * the process.
 */
import { PassThrough, Writable } from 'node:stream';
import { main } from '../../src/main.js';
import type { Clock } from '../../src/core/ports.js';
import type { Prompter } from '../../src/io/prompter.js';
import type { IOStreams } from '../../src/io/streams.js';

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  /** Pretend stdout/stderr/stdin are terminals. */
  tty?: boolean;
  prompter?: Prompter;
  clock?: Clock;
  signal?: AbortSignal;
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  const out = collector();
  const err = collector();
  const io: IOStreams = {
    in: new PassThrough(),
    out: out.stream,
    err: err.stream,
    stdinIsTTY: Boolean(opts.tty),
    stdoutIsTTY: Boolean(opts.tty),
    stderrIsTTY: Boolean(opts.tty),
  };
  const exitCode = await main(['node', 'billing-backfill', ...args], {
    io,
    env: { ...opts.env },
    signal: opts.signal ?? new AbortController().signal,
    ...(opts.prompter ? { prompter: opts.prompter } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  return { exitCode, stdout: out.text(), stderr: err.text() };
}

/** Prompter that answers from a script and fails the test on an unexpected question. */
export function scriptedPrompter(answers: unknown[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const next = (message: string) => {
    asked.push(message);
    if (answers.length === 0) throw new Error(`unexpected prompt: ${message}`);
    return answers.shift();
  };
  return {
    asked,
    confirm: async (message) => next(message) as boolean,
    select: async (message) => next(message) as never,
    search: async (message, source) => {
      const answer = next(message);
      // Exercise the real source so a broken search shows up in tests.
      if (typeof answer === 'function') return (answer as (s: typeof source) => Promise<never>)(source);
      return answer as never;
    },
    input: async (message) => next(message) as string,
  };
}
