import type { SandboxEnv } from '../../sandbox/sandbox.js';

const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

function shellWord(value: string): string {
  return PLAIN_WORD.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `export NAME=value` lines for a POSIX shell, or the same as one JSON line. */
export function environmentText(env: SandboxEnv, json: boolean): string {
  if (json) return `${JSON.stringify(env)}\n`;
  return Object.entries(env)
    .map(([name, value]) => `export ${name}=${shellWord(value)}\n`)
    .join('');
}
