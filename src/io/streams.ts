/** The process's streams, injected so tests run commands in-process. */
import type { Readable, Writable } from 'node:stream';
import { isatty } from 'node:tty';

export interface IOStreams {
  in: Readable;
  out: Writable;
  err: Writable;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
}

export function processStreams(): IOStreams {
  return {
    // Node builds process.stdin on first access, a few milliseconds that
    // --help and most commands (which never read stdin) need not spend.
    get in() {
      return process.stdin;
    },
    out: process.stdout,
    err: process.stderr,
    stdinIsTTY: isatty(0),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
}

/** A person can answer prompts only when both ends are terminals (prompts are drawn on stderr). */
export function canPrompt(io: IOStreams): boolean {
  return io.stdinIsTTY && io.stderrIsTTY;
}
