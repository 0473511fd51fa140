/**
 * Which Stripe failures are worth retrying. Works on the shape of the stripe
 * SDK's errors (type, rawType, code, statusCode, headers) so the core never
 * imports the SDK.
 */
import { redactSecrets } from '../errors.js';
import type { ErrorDetails } from './record.js';

interface StripeErrorShape {
  type?: unknown;
  rawType?: unknown;
  code?: unknown;
  message?: unknown;
  requestId?: unknown;
  statusCode?: unknown;
  headers?: unknown;
  name?: unknown;
}

const TRANSIENT_TYPES = new Set(['StripeConnectionError', 'StripeAPIError', 'StripeRateLimitError']);
const PERMANENT_TYPES = new Set([
  'StripeInvalidRequestError',
  'StripeIdempotencyError',
  'StripeAuthenticationError',
  'StripePermissionError',
  'StripeCardError',
  'StripeSignatureVerificationError',
]);
const TRANSIENT_CODES = new Set(['rate_limit', 'lock_timeout']);
// Errors from node's socket layer that never reached Stripe.
const TRANSIENT_NODE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']);

function shape(err: unknown): StripeErrorShape {
  return err && typeof err === 'object' ? (err as StripeErrorShape) : {};
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function header(err: unknown, name: string): string | null {
  const headers = shape(err).headers;
  if (!headers || typeof headers !== 'object') return null;
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? str(value[0]) : str(value);
  }
  return null;
}

export function isAbortError(err: unknown): boolean {
  return shape(err).name === 'AbortError';
}

/** True when retrying the same request later may succeed. */
export function isTransientStripeError(err: unknown): boolean {
  if (isAbortError(err)) return false;
  // Stripe's own verdict wins over anything we infer.
  const shouldRetry = header(err, 'stripe-should-retry');
  if (shouldRetry === 'true') return true;
  if (shouldRetry === 'false') return false;

  const e = shape(err);
  const type = str(e.type);
  const code = str(e.code);
  if (code && TRANSIENT_CODES.has(code)) return true;
  if (type && TRANSIENT_TYPES.has(type)) return true;
  if (type && PERMANENT_TYPES.has(type)) return false;
  if (str(e.rawType) === 'invalid_request_error') return false;
  const status = typeof e.statusCode === 'number' ? e.statusCode : null;
  if (status !== null) return status === 409 || status === 429 || status >= 500;
  return code !== null && TRANSIENT_NODE_CODES.has(code);
}

/**
 * Stripe refused the request for the account's request rate. `lock_timeout`
 * (also a 429) is contention on one object, not on the rate: no reason to slow
 * the whole run for it.
 */
export function isRateLimitError(err: unknown): boolean {
  const e = shape(err);
  const code = str(e.code);
  if (code === 'lock_timeout') return false;
  return code === 'rate_limit' || e.statusCode === 429 || str(e.type) === 'StripeRateLimitError';
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), else null. */
export function retryAfterMs(err: unknown, now: Date = new Date()): number | null {
  const value = header(err, 'retry-after');
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now.getTime());
}

/**
 * What we keep of a failure: enough to act on, never a secret. It is stored on
 * records and dead letters, which other tools read too, so a message quoting a
 * key back is redacted here rather than only when printed.
 */
export function errorDetails(err: unknown): ErrorDetails {
  const e = shape(err);
  const requestId = str(e.requestId) ?? header(err, 'request-id');
  let message = redactSecrets(str(e.message) ?? (err instanceof Error ? err.message : String(err)));
  // stripe-node prefixes "[req_…] "; the request id is kept in its own field.
  if (requestId && message.startsWith(`[${requestId}] `)) message = message.slice(requestId.length + 3);
  return {
    type: str(e.type) ?? str(e.name),
    code: str(e.code),
    message,
    requestId,
    status: typeof e.statusCode === 'number' ? e.statusCode : null,
  };
}

/** Stripe refused our credentials: no record can succeed, so a run must stop. */
export function isCredentialError(err: unknown): boolean {
  const type = str(shape(err).type);
  return type === 'StripeAuthenticationError' || type === 'StripePermissionError';
}

/** The request never got an answer from Stripe. */
export function isConnectionError(err: unknown): boolean {
  const e = shape(err);
  if (str(e.type) === 'StripeConnectionError') return true;
  const code = str(e.code);
  return e.statusCode === undefined && code !== null && TRANSIENT_NODE_CODES.has(code);
}
