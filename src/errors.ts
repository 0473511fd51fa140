/**
 * Error kinds and exit codes, in one place. Everything the user sees about a
 * failure goes through `describeError`, which also redacts secrets.
 */

export const ExitCode = {
  ok: 0,
  recordsFailed: 1,
  usage: 2,
  dependency: 3,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags, arguments, configuration or input: exit 2. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

/** MongoDB or Stripe unreachable, or refused our credentials: exit 3. */
export class DependencyError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.dependency, hint);
  }
}

/** The command ran but some records were not fixed (or were refused): exit 1. */
export class RecordsFailedError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.recordsFailed, hint);
  }
}

/** Exit non-zero without printing anything more: the command already said why. */
export class SilentExit extends CliError {
  constructor(exitCode: ExitCodeValue) {
    super('', exitCode);
  }
}

export class InterruptedError extends CliError {
  constructor() {
    super('interrupted', ExitCode.interrupted);
  }
}

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/\b(sk|rk|pk)_(live|test)_[A-Za-z0-9_]+/g, '$1_$2_[redacted]'],
  [/\bwhsec_[A-Za-z0-9_+/=]+/g, 'whsec_[redacted]'],
  [/\b(sk|rk)_[A-Za-z0-9_]{8,}/g, '$1_[redacted]'],
  // credentials inside connection strings: scheme://user:pass@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(:[^\s/@]*)?@/gi, '$1[redacted]@'],
];

/** The sandbox's fixed test key: public by design (printed by `sandbox`), never a real secret. */
export const PUBLIC_SANDBOX_KEY = 'sk_test_billing_backfill_sandbox';
const PUBLIC_PLACEHOLDER = '\u0000public-sandbox-key\u0000';

/** Removes API keys, webhook secrets and URI credentials from any text. */
export function redactSecrets(text: string): string {
  let out = text.replaceAll(PUBLIC_SANDBOX_KEY, PUBLIC_PLACEHOLDER);
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out.replaceAll(PUBLIC_PLACEHOLDER, PUBLIC_SANDBOX_KEY);
}

function errorName(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; constructor?: { name?: unknown } };
    if (typeof e.name === 'string') return e.name;
  }
  return '';
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}

function stripeType(err: unknown): string {
  const t = err && typeof err === 'object' ? (err as { type?: unknown }).type : undefined;
  return typeof t === 'string' ? t : '';
}

/** True for errors that mean MongoDB could not be reached or refused us. */
export function isMongoUnavailable(err: unknown): boolean {
  const name = errorName(err);
  if (/^Mongo(ServerSelection|Network|NotConnected|Topology|PoolCleared|ServerClosed|NetworkTimeout)/.test(name)) return true;
  if (name === 'MongooseServerSelectionError') return true;
  const code = err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  // 18 AuthenticationFailed, 13 Unauthorized
  return (name === 'MongoServerError' || name === 'MongoError') && (code === 18 || code === 13);
}

export interface Described {
  exitCode: ExitCodeValue;
  message: string;
  hint?: string;
}

/** Turns any thrown value into one redacted line, a hint and an exit code. */
export function describeError(err: unknown): Described {
  if (err instanceof CliError) {
    return { exitCode: err.exitCode, message: redactSecrets(err.message), ...(err.hint ? { hint: redactSecrets(err.hint) } : {}) };
  }
  const firstLine = (s: string) => redactSecrets(s.split('\n')[0] ?? '').trim();
  if (isMongoUnavailable(err)) {
    return {
      exitCode: ExitCode.dependency,
      message: `MongoDB is unreachable or refused the connection: ${firstLine(errorMessage(err))}`,
      hint: 'check --mongo-uri / MONGODB_URI and that the server is up (billing-backfill doctor)',
    };
  }
  if (/^Mongo/.test(errorName(err))) {
    return {
      exitCode: ExitCode.dependency,
      message: `MongoDB failed: ${firstLine(errorMessage(err))}`,
      hint: 'nothing was half-written; re-run once the database is healthy (billing-backfill doctor)',
    };
  }
  const type = stripeType(err);
  if (type === 'StripeAuthenticationError' || type === 'StripePermissionError') {
    return {
      exitCode: ExitCode.dependency,
      message: `Stripe refused the API key: ${firstLine(errorMessage(err))}`,
      hint: 'check --stripe-key / STRIPE_SECRET_KEY (test keys only work against test data)',
    };
  }
  if (type === 'StripeConnectionError') {
    return {
      exitCode: ExitCode.dependency,
      message: `Stripe is unreachable: ${firstLine(errorMessage(err))}`,
      hint: 'check --stripe-api-base / STRIPE_API_BASE and the network',
    };
  }
  // AbortError: our own signal; ExitPromptError: Ctrl-C at an inquirer prompt.
  if (errorName(err) === 'AbortError' || errorName(err) === 'ExitPromptError') return { exitCode: ExitCode.interrupted, message: 'interrupted' };
  return { exitCode: ExitCode.recordsFailed, message: `unexpected error: ${firstLine(errorMessage(err))}` };
}
