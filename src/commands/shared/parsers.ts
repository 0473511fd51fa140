/** Option parsers: a bad value becomes commander's one-line usage error (exit 2). */
import { InvalidArgumentError } from 'commander';

const DURATION = /^(\d+)\s*(s|m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `<when>`: an ISO date (2026-11-30, 2026-11-30T12:00:00Z) or a duration ago (30m, 2h, 7d). */
export function parseWhen(value: string, now: Date): Date {
  const trimmed = value.trim();
  const duration = DURATION.exec(trimmed);
  if (duration) {
    const unit = UNIT_MS[(duration[2] ?? 's').toLowerCase()] ?? 1000;
    return new Date(now.getTime() - Number(duration[1]) * unit);
  }
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) {
    const date = new Date(trimmed);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new InvalidArgumentError('expected an ISO date (2026-11-30) or a duration (30m, 2h, 7d).');
}

export function intInRange(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

export function numberInRange(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}.`);
    }
    return n;
  };
}

export function pattern(re: RegExp, what: string): (value: string) => string {
  return (value) => {
    if (!re.test(value)) throw new InvalidArgumentError(`expected ${what}.`);
    return value;
  };
}
