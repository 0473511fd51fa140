// The JSON shapes of the emulator's control API (/__emulator/*). Other tools (sandbox, benchmarks,
// e2e tests) depend on them, so they live apart from the server and change only deliberately.

export interface EmulatorConfig {
  latencyMs: number;
  /** Requests per rolling second; null means unlimited (0 is accepted and stored as null). */
  readsPerSecond: number | null;
  writesPerSecond: number | null;
}

/** A seed object for POST /__emulator/objects: `id` is required, every other field is optional. */
export interface SeedObject {
  id: string;
  [field: string]: unknown;
}

export interface SeedObjects {
  payment_intents?: SeedObject[];
  checkout_sessions?: SeedObject[];
  charges?: SeedObject[];
}

export interface FaultSpec {
  method?: string;
  /** Prefix of the URL path, e.g. `/v1/payment_intents`. */
  path: string;
  /** Answer this status instead of processing; omitted means "process normally after delayMs". */
  status?: number;
  /** How many matching requests the fault applies to: default 1, -1 means forever. */
  times?: number;
  /** A string is sent verbatim as text/plain; anything else as JSON. Default: a Stripe error body for the status. */
  body?: unknown;
  headers?: Record<string, string | number>;
  delayMs?: number;
  /** Destroy the socket (after delayMs) without answering. */
  dropConnection?: boolean;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** 0 when the connection was dropped by a fault. */
  status: number;
  idempotencyKey: string | null;
  at: string;
}

export interface EmulatorStats {
  reads: number;
  writes: number;
  byStatus: Record<string, number>;
  /** 429s produced by the emulator's own rate limiter (injected 429 faults are not counted here). */
  rateLimited: number;
}

export interface StoredPaymentIntent {
  id: string;
  object: 'payment_intent';
  status: string;
  amount: number;
  currency: string;
  created: number;
  latest_charge: string | null;
  metadata: Record<string, string>;
  [field: string]: unknown;
}
