import { performance } from 'node:perf_hooks';
import { authenticate } from './auth.js';
import type { EmulatorConfig } from './contract.js';
import { FaultQueue } from './faults.js';
import { parseForm } from './form.js';
import { RateLimiters } from './rate-limit.js';
import { RequestLog } from './request-log.js';
import { serveResource } from './resources.js';
import { IdempotencyStore, ObjectStore } from './state.js';
import { invalidRequest, rateLimited, StripeFailure } from './stripe-errors.js';

export interface StripeRequest {
  method: string;
  path: string;
  query: string;
  body: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  arrivedAt: Date;
}

export interface Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** All emulator state, and the decision of what a /v1 request gets: auth, rate limit, idempotency, resources. */
export class Emulator {
  readonly store = new ObjectStore();
  readonly faults = new FaultQueue();
  readonly log = new RequestLog();
  private readonly idempotency = new IdempotencyStore();
  private readonly limiters: RateLimiters;
  private current: EmulatorConfig;

  constructor(private readonly initial: EmulatorConfig) {
    this.current = { ...initial };
    this.limiters = new RateLimiters(initial);
  }

  get config(): EmulatorConfig {
    return { ...this.current };
  }

  configure(patch: Partial<EmulatorConfig>): EmulatorConfig {
    this.current = { ...this.current, ...patch };
    this.limiters.configure(this.current);
    return this.config;
  }

  reset(): void {
    this.store.clear();
    this.idempotency.clear();
    this.faults.clear();
    this.log.clear();
    this.limiters.clear();
    this.configure(this.initial);
  }

  handle(request: StripeRequest): Reply {
    const { reply, rateLimited: limited } = this.decide(request);
    this.record(request, reply.status, limited);
    return reply;
  }

  /** Logs a request answered outside handle() (an injected fault); status 0 means dropped. */
  record(request: StripeRequest, status: number, rateLimited = false): void {
    this.log.record(
      {
        method: request.method,
        path: request.path,
        status,
        idempotencyKey: request.idempotencyKey ?? null,
        at: request.arrivedAt.toISOString(),
      },
      { rateLimited },
    );
  }

  private decide(request: StripeRequest): { reply: Reply; rateLimited: boolean } {
    const authFailure = authenticate(request.authorization);
    if (authFailure !== undefined) return { reply: failureReply(authFailure), rateLimited: false };
    if (!this.limiters.tryAcquire(request.method, performance.now())) return { reply: failureReply(rateLimited()), rateLimited: true };
    return { reply: this.withIdempotency(request), rateLimited: false };
  }

  private withIdempotency(request: StripeRequest): Reply {
    const key = request.method === 'POST' ? request.idempotencyKey : undefined;
    if (key === undefined) return this.execute(request).reply;
    if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      return failureReply(invalidRequest(`Idempotency-Key must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`));
    }
    const fingerprint = `${request.method} ${request.path}?${request.query}\n${request.body}`;
    const prior = this.idempotency.lookup(key, fingerprint);
    if (prior.kind === 'replay') return { ...prior.reply, headers: { 'Idempotent-Replayed': 'true', 'Idempotency-Key': key } };
    if (prior.kind === 'conflict') {
      return failureReply(
        new StripeFailure(
          400,
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        ),
      );
    }
    const { reply, save } = this.execute(request);
    if (save) this.idempotency.save(key, fingerprint, { status: reply.status, body: reply.body });
    return { ...reply, headers: { ...reply.headers, 'Idempotency-Key': key } };
  }

  private execute(request: StripeRequest): { reply: Reply; save: boolean } {
    try {
      const params = parseForm(request.method === 'GET' ? request.query : request.body);
      const body = serveResource(this.store, request.method, request.path, params);
      return { reply: { status: 200, body: JSON.stringify(body), headers: {} }, save: true };
    } catch (error) {
      if (!(error instanceof StripeFailure)) throw error;
      return { reply: failureReply(error), save: !error.rejectedBeforeExecution };
    }
  }
}

export function failureReply(failure: StripeFailure): Reply {
  return { status: failure.status, body: JSON.stringify(failure.body()), headers: {} };
}
