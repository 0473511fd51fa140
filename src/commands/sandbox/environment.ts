const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellWord(value: string): string {
  return PLAIN_WORD.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `export NAME=value` lines for a POSIX shell, or the same as one JSON line. */
export function environmentText(env: Record<string, string>, json: boolean): string {
  if (json) return `${JSON.stringify(env)}\n`;
  return Object.entries(env)
    .map(([name, value]) => `export ${name}=${shellWord(value)}\n`)
    .join('');
}
