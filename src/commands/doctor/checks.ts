/** A doctor check's verdict, and how verdicts become the exit code. */
import { describeError, ExitCode } from '../../errors.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
}

export function check(status: CheckStatus, name: string, detail: string): Check {
  return { name, status, detail };
}

/** A check that threw: its redacted message and a hint (the error's own unless given) become the detail. */
export function failure(name: string, err: unknown, hint?: string): Check {
  const described = describeError(err);
  const shown = hint ?? described.hint;
  return check('fail', name, shown ? `${described.message} (${shown})` : described.message);
}

/** 0 all ok, 1 any warning, 3 any failure. */
export function exitCodeOf(checks: readonly Check[]): number {
  if (checks.some((c) => c.status === 'fail')) return ExitCode.dependency;
  if (checks.some((c) => c.status === 'warn')) return ExitCode.recordsFailed;
  return ExitCode.ok;
}
