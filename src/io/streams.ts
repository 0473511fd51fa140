/** The process's streams, injected so tests run commands in-process. */
import type { Readable, Writable } from 'node:stream';

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
    in: process.stdin,
    out: process.stdout,
    err: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
}

/** A person can answer prompts only when both ends are terminals (prompts are drawn on stderr). */
export function canPrompt(io: IOStreams): boolean {
  return io.stdinIsTTY && io.stderrIsTTY;
}
