/**
 * The boundaries the core talks through. Implementations live in src/store
 * (MongoDB), src/stripe (the stripe SDK) and src/io; tests drive the core
 * through the same interfaces against the real database and the emulator.
 */
import type { DeadLetter, ErrorDetails, Resolution } from './record.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

// ---------------------------------------------------------------- Stripe

export type Metadata = Record<string, string>;

export interface PaymentIntentSnapshot {
  id: string;
  status: string;
  metadata: Metadata;
}

export interface MetadataUpdate {
  paymentIntent: PaymentIntentSnapshot;
  /**
   * Stripe answered with its stored copy of an earlier request under the same
   * idempotency key (header Idempotent-Replayed): nothing was written now.
   */
  replayed: boolean;
}

export interface CheckoutSessionSnapshot {
  id: string;
  paymentStatus: string | null;
  paymentIntentId: string | null;
  metadata: Metadata;
}

export interface RefundSnapshot {
  id: string;
  chargeId: string | null;
  amount: number;
  currency: string;
  status: string | null;
  created: Date;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * Errors thrown are the stripe SDK's own (StripeError subclasses): the core
 * classifies them by shape in stripe-errors.ts without importing the SDK.
 */
export interface StripeGateway {
  retrievePaymentIntent(id: string, opts?: CallOptions): Promise<PaymentIntentSnapshot>;
  retrieveCheckoutSession(id: string, opts?: CallOptions): Promise<CheckoutSessionSnapshot>;
  updatePaymentIntentMetadata(
    id: string,
    metadata: Metadata,
    opts: CallOptions & { idempotencyKey: string },
  ): Promise<MetadataUpdate>;
  listRefunds(paymentIntentId: string, opts?: CallOptions): Promise<RefundSnapshot[]>;
}

// ---------------------------------------------------------------- records

export type StateFilter = 'unresolved' | 'resolved' | 'any';
export type Order = 'newest' | 'oldest';

export interface RecordQuery {
  state: StateFilter;
  /** failedAt >= since */
  since?: Date;
  /** failedAt <= until */
  until?: Date;
  paymentIntentId?: string;
  stripeSessionId?: string;
  /** Case-insensitive substring of `error` or `lastError.message`. */
  errorContains?: string;
  /** Only records whose attempts < this. */
  attemptsBelow?: number;
  /** since/until bound only records with a usable failedAt; the others (other writers') match too. */
  includeUndated?: boolean;
}

export interface Page {
  items: DeadLetter[];
  /** Count of all records matching the query (not just this page). */
  total: number;
  /** Opaque cursor for the next page, null on the last page. */
  nextCursor: string | null;
}

export interface NewDeadLetter {
  paymentIntentId: string;
  stripeSessionId: string;
  error: string | null;
  failedAt: Date;
  /** Additive fields, written only by this tool. */
  attempts?: number;
  lastAttemptAt?: Date;
  lastError?: ErrorDetails | null;
  history?: HistoryInput[];
}

export interface HistoryInput {
  at: Date;
  actor: string;
  action: string;
  outcome: string;
  error?: string | null;
  note?: string | null;
}

export interface AttemptInput extends HistoryInput {
  /** A transient failure: attempts += 1. */
  countsAsAttempt: boolean;
  lastError: ErrorDetails | null;
}

export interface ResolveInput extends HistoryInput {
  resolution: Resolution;
  resolutionNote?: string | null;
}

export interface Stats {
  unresolved: number;
  resolved: number;
  oldestUnresolvedAt: Date | null;
  perDay: Array<{ day: string; count: number }>;
  topErrors: Array<{ error: string; count: number }>;
}

export interface DeadLetterRepository {
  insert(input: NewDeadLetter): Promise<DeadLetter>;
  /** Bulk insert (seeding, imports): returns how many were written. */
  insertMany(inputs: NewDeadLetter[]): Promise<number>;
  findPage(query: RecordQuery, opts: { limit: number; after?: string | null; order: Order }): Promise<Page>;
  count(query: RecordQuery): Promise<number>;
  /**
   * Streams every record matching the query, in (failedAt, _id) order, with
   * bounded memory. Each record is yielded at most once, even when it is
   * updated while the stream runs.
   */
  stream(query: RecordQuery, opts: { order: Order; signal?: AbortSignal }): AsyncIterable<DeadLetter>;
  getById(id: string): Promise<DeadLetter | null>;
  /** A record id, a pi_… or a cs_…: every matching record, oldest first. */
  findByRef(ref: string): Promise<DeadLetter[]>;
  /** Appends history (bounded) and updates attempts/lastError; never resolves. */
  recordAttempt(id: string, attempt: AttemptInput): Promise<void>;
  /** Resolves only while still unresolved; false when someone else got there first. */
  markResolved(id: string, input: ResolveInput): Promise<boolean>;
  stats(now: Date, opts?: { days?: number; topErrors?: number }): Promise<Stats>;
  /** Deletes (or with dryRun counts) resolved records resolved before `before`. */
  pruneResolved(before: Date, opts: { dryRun: boolean }): Promise<number>;
}

export interface LockHolder {
  owner: string;
  acquiredAt: Date;
  expiresAt: Date;
}

export type LockResult = { acquired: true } | { acquired: false; holder: LockHolder };

/** Advisory lock with expiry: a convenience to avoid duplicate work, never needed for correctness. */
export interface LockStore {
  acquire(name: string, owner: string, ttlMs: number, now: Date): Promise<LockResult>;
  renew(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
}

// ---------------------------------------------------------------- webhook events

export type WebhookEventOutcome = 'patched' | 'already-correct' | 'ignored' | 'dead-lettered' | 'conflict';

export type ClaimResult =
  | { state: 'claimed' }
  | { state: 'done'; outcome: WebhookEventOutcome }
  | { state: 'in-progress'; owner: string; leaseExpiresAt: Date };

/**
 * One document per Stripe event id (the event id is the document _id, so
 * uniqueness holds on any MongoDB-wire server without building an index).
 */
export interface WebhookEventStore {
  /** Claims the event for `owner` unless it is done or leased by someone else; an expired lease is taken over. */
  claim(eventId: string, meta: { type: string; owner: string; now: Date; leaseMs: number }): Promise<ClaimResult>;
  /** Records the final outcome (only the current owner can). */
  complete(eventId: string, owner: string, outcome: WebhookEventOutcome, now: Date): Promise<void>;
  /** Gives a claim back so a redelivery can process the event again. */
  release(eventId: string, owner: string): Promise<void>;
}
