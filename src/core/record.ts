/**
 * The dead-letter record as this tool sees it.
 *
 * Documents are written by the upstream billing service, which knows only
 * { paymentIntentId, stripeSessionId, error, failedAt, resolvedAt, resolvedBy }.
 * Everything else here is optional and additive, and every read goes through
 * `fromDocument` so that a document with missing, mistyped or unknown fields
 * never crashes a command: it is described by `problems` instead.
 */

export const PENDING_SESSION_ID = '__pending__';
export const HISTORY_LIMIT = 50;

export type Resolution = 'patched' | 'already-correct' | 'manual';

export interface ErrorDetails {
  type: string | null;
  code: string | null;
  message: string;
  requestId: string | null;
  status: number | null;
}

export interface HistoryEntry {
  at: Date;
  actor: string;
  action: string;
  outcome: string;
  error: string | null;
  note?: string | null;
}

export interface DeadLetter {
  id: string;
  paymentIntentId: string;
  stripeSessionId: string;
  error: string | null;
  failedAt: Date | null;
  /**
   * What MongoDB's `{ resolvedAt: null }` (upstream's partial index, and every
   * query here) means by it: resolvedAt holds anything but null. Not the same
   * as `resolvedAt !== null` below when another writer stored a non-date.
   */
  resolved: boolean;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  attempts: number;
  lastAttemptAt: Date | null;
  lastError: ErrorDetails | null;
  resolution: Resolution | null;
  resolutionNote: string | null;
  history: HistoryEntry[];
  /** What is wrong with the stored document, in words an operator can act on. */
  problems: string[];
}

const PAYMENT_INTENT_ID = /^pi_[A-Za-z0-9_]+$/;
const SESSION_ID = /^cs_[A-Za-z0-9_]+$/;

export function isPaymentIntentId(value: string): boolean {
  return PAYMENT_INTENT_ID.test(value);
}

export function isCheckoutSessionId(value: string): boolean {
  return SESSION_ID.test(value);
}

type Raw = Record<string, unknown>;

function asString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function asDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

function asCount(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

function asErrorDetails(value: unknown): ErrorDetails | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Raw;
  const message = asString(v.message);
  if (message === null) return null;
  return {
    type: asString(v.type),
    code: asString(v.code),
    message,
    requestId: asString(v.requestId),
    status: typeof v.status === 'number' ? v.status : null,
  };
}

function asHistory(value: unknown): HistoryEntry[] {
  if (!Array.isArray(value)) return [];
  const entries: HistoryEntry[] = [];
  for (const item of value) {
    if (!item || typeof item !== 'object') continue;
    const v = item as Raw;
    entries.push({
      at: asDate(v.at) ?? new Date(0),
      actor: asString(v.actor) ?? 'unknown',
      action: asString(v.action) ?? 'unknown',
      outcome: asString(v.outcome) ?? 'unknown',
      error: asString(v.error),
      note: asString(v.note),
    });
  }
  return entries;
}

const RESOLUTIONS: readonly string[] = ['patched', 'already-correct', 'manual'];

/** Normalises a stored document (any shape) into a DeadLetter. Never throws. */
export function fromDocument(doc: Raw): DeadLetter {
  const problems: string[] = [];
  const id = doc._id === undefined || doc._id === null ? '' : String(doc._id);

  const paymentIntentId = asString(doc.paymentIntentId) ?? '';
  if (!paymentIntentId) problems.push('paymentIntentId is missing');
  else if (!isPaymentIntentId(paymentIntentId)) problems.push(`paymentIntentId "${paymentIntentId}" is not a pi_… id`);

  const stripeSessionId = asString(doc.stripeSessionId) ?? '';
  if (!stripeSessionId) problems.push('stripeSessionId is missing');
  else if (!isCheckoutSessionId(stripeSessionId)) problems.push(`stripeSessionId "${stripeSessionId}" is not a cs_… id`);

  const failedAt = asDate(doc.failedAt);
  if (!failedAt) problems.push('failedAt is missing or not a date');

  const resolved = doc.resolvedAt !== null && doc.resolvedAt !== undefined;
  const resolvedAt = asDate(doc.resolvedAt);
  if (resolved && !resolvedAt) problems.push('resolvedAt is set but is not a date: counted as resolved, as MongoDB queries count it');

  const resolution = asString(doc.resolution);
  return {
    id,
    paymentIntentId,
    stripeSessionId,
    error: asString(doc.error),
    failedAt,
    resolved,
    resolvedAt,
    resolvedBy: asString(doc.resolvedBy),
    attempts: asCount(doc.attempts),
    lastAttemptAt: asDate(doc.lastAttemptAt),
    lastError: asErrorDetails(doc.lastError),
    resolution: resolution && RESOLUTIONS.includes(resolution) ? (resolution as Resolution) : null,
    resolutionNote: asString(doc.resolutionNote),
    history: asHistory(doc.history),
    problems,
  };
}

/** Records that cannot be sent to Stripe at all (the ids themselves are unusable). */
export function blockingProblems(record: DeadLetter): string[] {
  return record.problems.filter((p) => p.startsWith('paymentIntentId') || p.startsWith('stripeSessionId'));
}

export type RecordRef =
  | { kind: 'id'; value: string }
  | { kind: 'paymentIntent'; value: string }
  | { kind: 'session'; value: string };

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

export function isRecordId(value: string): boolean {
  return OBJECT_ID.test(value);
}

/** Parses a command-line reference; null when it is none of the three forms. */
export function parseRef(ref: string): RecordRef | null {
  const value = ref.trim();
  if (isRecordId(value)) return { kind: 'id', value: value.toLowerCase() };
  if (isPaymentIntentId(value)) return { kind: 'paymentIntent', value };
  if (isCheckoutSessionId(value)) return { kind: 'session', value };
  return null;
}
