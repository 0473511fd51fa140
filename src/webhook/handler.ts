/**
 * One webhook delivery, start to finish, without HTTP: verify → eligibility →
 * claim the event → the shared backfill → dead letter → complete. A delivery
 * is acknowledged (2xx) only once its outcome is durable: the PaymentIntent is
 * patched, or a dead letter is stored. Anything else answers 5xx so Stripe
 * delivers the event again.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { backfill, type BackfillOutcome } from '../core/backfill.js';
import { checkoutSessionEligibility, isHandledEventType } from '../core/eligibility.js';
import type { ClaimResult, Clock, DeadLetterRepository, StripeGateway, WebhookEventOutcome, WebhookEventStore } from '../core/ports.js';
import type { ErrorDetails } from '../core/record.js';
import { sleep } from '../core/retry.js';
import { isAbortError } from '../core/stripe-errors.js';
import { isMongoUnavailable } from '../errors.js';
import type { VerifiedEvent, WebhookVerifier } from './ports.js';

export const WEBHOOK_ACTOR = 'webhook';
const POLL_MS = 100;

export interface WebhookHandlerDeps {
  verifier: WebhookVerifier;
  gateway: StripeGateway;
  repository: Pick<DeadLetterRepository, 'insert'>;
  events: WebhookEventStore;
  clock: Clock;
  /** How long a claim keeps other deliveries waiting; longer than a request may run. */
  leaseMs: number;
}

export interface WebhookRequest {
  rawBody: Buffer;
  signature: string | undefined;
  /** Aborts at the request deadline (or a forced shutdown). */
  signal: AbortSignal;
}

export type HandlerOutcome =
  | WebhookEventOutcome
  | 'duplicate'
  | 'rejected'
  | 'busy'
  | 'deadline-exceeded'
  | 'not-durable'
  | 'error';

/** What the log line says about a delivery (the server adds status and duration). */
export interface WebhookLogFields {
  eventId: string | null;
  type: string | null;
  outcome: HandlerOutcome;
  paymentIntentId: string | null;
  reason?: string;
  attempts?: number;
}

export interface WebhookResponse {
  status: number;
  body: Record<string, unknown>;
  log: WebhookLogFields;
}

export type WebhookHandler = (request: WebhookRequest) => Promise<WebhookResponse>;

type Claim =
  | { kind: 'owned'; owner: string }
  /** MongoDB is down: go on without one, the patch is idempotent anyway. */
  | { kind: 'none' }
  | { kind: 'done'; outcome: WebhookEventOutcome }
  | { kind: 'timed-out' };

function newOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err);
}

function conflictDetails(reason: string): ErrorDetails {
  return { type: 'conflict', code: null, message: reason, requestId: null, status: null };
}

export function createWebhookHandler(deps: WebhookHandlerDeps): WebhookHandler {
  const { clock, events } = deps;

  /**
   * Another delivery of the same event is in flight: wait for its outcome, or
   * take over when it gives its claim back, until the deadline.
   */
  async function claim(event: VerifiedEvent, signal: AbortSignal): Promise<Claim> {
    const owner = newOwner();
    for (;;) {
      let result: ClaimResult;
      try {
        result = await events.claim(event.id, { type: event.type, owner, now: clock.now(), leaseMs: deps.leaseMs });
      } catch (err) {
        if (isMongoUnavailable(err)) return { kind: 'none' };
        throw err;
      }
      if (result.state === 'claimed') return { kind: 'owned', owner };
      if (result.state === 'done') return { kind: 'done', outcome: result.outcome };
      try {
        await sleep(POLL_MS, signal);
      } catch {
        return { kind: 'timed-out' };
      }
    }
  }

  async function release(event: VerifiedEvent, owned: Claim): Promise<void> {
    if (owned.kind !== 'owned') return;
    // When this fails too, the lease expiry frees the event for the redelivery.
    await events.release(event.id, owned.owner).catch(() => undefined);
  }

  async function complete(event: VerifiedEvent, owned: Claim, outcome: WebhookEventOutcome): Promise<void> {
    if (owned.kind !== 'owned') return;
    // The outcome is durable already; a lost "done" only means a redelivery
    // repeats an idempotent patch, or waits out the lease.
    await events.complete(event.id, owned.owner, outcome, clock.now()).catch(() => undefined);
  }

  async function deadLetter(event: VerifiedEvent, target: { paymentIntentId: string; stripeSessionId: string }, outcome: BackfillOutcome): Promise<void> {
    const at = clock.now();
    const lastError = outcome.error ?? conflictDetails(outcome.reason ?? outcome.kind);
    await deps.repository.insert({
      paymentIntentId: target.paymentIntentId,
      stripeSessionId: target.stripeSessionId,
      error: lastError.message,
      failedAt: at,
      // As `retry` counts: a conflict is not a failed attempt.
      attempts: outcome.kind === 'conflict' ? 0 : 1,
      lastAttemptAt: at,
      lastError,
      history: [{ at, actor: WEBHOOK_ACTOR, action: 'webhook', outcome: outcome.kind, error: lastError.message, note: `event ${event.id}` }],
    });
  }

  async function handleEvent(event: VerifiedEvent, signal: AbortSignal): Promise<WebhookResponse> {
    const base = { eventId: event.id, type: event.type };
    if (!isHandledEventType(event.type)) {
      // Ignored events are not recorded: answering them again is harmless, and
      // they never wait on MongoDB.
      return { status: 200, body: { received: true, outcome: 'ignored' }, log: { ...base, outcome: 'ignored', paymentIntentId: null, reason: 'event type not handled' } };
    }
    const eligibility = checkoutSessionEligibility(event.object);
    if (!eligibility.eligible) {
      return { status: 200, body: { received: true, outcome: 'ignored' }, log: { ...base, outcome: 'ignored', paymentIntentId: null, reason: eligibility.reason } };
    }
    const { target, session } = eligibility;
    const fields = { ...base, paymentIntentId: target.paymentIntentId };

    const owned = await claim(event, signal);
    if (owned.kind === 'done') {
      return { status: 200, body: { received: true, outcome: owned.outcome, duplicate: true }, log: { ...fields, outcome: 'duplicate', reason: `already ${owned.outcome}` } };
    }
    if (owned.kind === 'timed-out') {
      return { status: 409, body: { error: 'another delivery of this event is still being processed' }, log: { ...fields, outcome: 'busy' } };
    }

    let outcome: BackfillOutcome;
    try {
      outcome = await backfill(target, { gateway: deps.gateway, session, signal });
    } catch (err) {
      await release(event, owned);
      if (isAbortError(err)) return { status: 503, body: { error: 'deadline exceeded; retry later' }, log: { ...fields, outcome: 'deadline-exceeded' } };
      throw err;
    }

    if (outcome.kind === 'patched' || outcome.kind === 'already-correct') {
      await complete(event, owned, outcome.kind);
      return { status: 200, body: { received: true, outcome: outcome.kind }, log: { ...fields, outcome: outcome.kind, attempts: outcome.attempts } };
    }

    try {
      await deadLetter(event, target, outcome);
    } catch (err) {
      await release(event, owned);
      return {
        status: 500,
        body: { error: 'the backfill failed and the dead letter could not be stored; retry later' },
        log: { ...fields, outcome: 'not-durable', attempts: outcome.attempts, reason: `${outcome.reason ?? outcome.kind}; dead letter: ${messageOf(err)}` },
      };
    }
    const stored: WebhookEventOutcome = outcome.kind === 'conflict' ? 'conflict' : 'dead-lettered';
    await complete(event, owned, stored);
    return {
      status: 200,
      body: { received: true, outcome: stored },
      log: { ...fields, outcome: stored, attempts: outcome.attempts, reason: `${outcome.kind}: ${outcome.reason ?? ''}` },
    };
  }

  return async (request) => {
    const verified = deps.verifier.verify(request.rawBody, request.signature, clock.now());
    if (!verified.ok) {
      return { status: 400, body: { error: verified.reason }, log: { eventId: null, type: null, outcome: 'rejected', paymentIntentId: null, reason: verified.reason } };
    }
    const { event } = verified;
    try {
      return await handleEvent(event, request.signal);
    } catch (err) {
      return {
        status: 500,
        body: { error: 'internal error; retry later' },
        log: { eventId: event.id, type: event.type, outcome: 'error', paymentIntentId: null, reason: messageOf(err) },
      };
    }
  };
}
