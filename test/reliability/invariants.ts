/**
 * The invariants every reliability scenario ends with, checked against the
 * real state of the emulator (objects and request log) and of the database.
 * Each check fails the test with the offending ids; the figures come back so
 * a scenario can print one line of them.
 */
import type { mongo } from 'mongoose';
import { expect } from 'vitest';
import type { EmulatorClient } from '../../src/sandbox/emulator/client.js';
import type { RequestLogEntry } from '../../src/sandbox/emulator/contract.js';
import type { SeedKind, SeedRecord } from '../../src/sandbox/seed.js';

/** Where the state lives: useWorld() fits, and so does a scenario with a database of its own. */
export interface World {
  records(): mongo.Collection;
  readonly emulator: EmulatorClient;
}
type Doc = Record<string, unknown> & { history?: Array<Record<string, unknown>> };

/** Kinds a retry can resolve; the others must stay unresolved with a lastError. */
export const RESOLVABLE: ReadonlySet<SeedKind> = new Set(['fixable', 'fixable-needs-session', 'already-correct', 'refunded']);

/** Stripe requests one successful backfill of a record of this kind needs (GET PI, GET session, POST). */
export const REQUESTS_PER_KIND: Record<SeedKind, number> = {
  fixable: 2,
  'fixable-needs-session': 3,
  'already-correct': 1,
  conflict: 1,
  missing: 1,
  refunded: 2,
};

/** Statuses the emulator only answers through an injected fault here (0 = dropped connection). */
const FAULT_STATUSES = new Set([0, 429, 500, 502, 503]);

export interface InvariantOptions {
  /** The seeded records the database must still hold, exactly once each. */
  seeded: SeedRecord[];
  /** Dead letters beyond `seeded` that must exist exactly once each (webhook scenarios). */
  expectedNew?: Array<{ paymentIntentId: string; stripeSessionId: string }>;
  /** Upper bound on /v1 requests the emulator saw. */
  budget: number;
  /** A crash (SIGKILL, MongoDB loss) may leave a PaymentIntent patched before its record was stamped. */
  allowPatchedUnresolved?: boolean;
}

export interface Figures {
  records: number;
  resolved: number;
  unresolved: number;
  requests: number;
  budget: number;
  reads: number;
  writes: number;
  effectiveWrites: number;
  replays: number;
  faultsSeen: number;
  status429: number;
  duplicates: number;
  losses: number;
}

const RESOLVING_OUTCOMES = new Set(['patched', 'already-correct', 'manual']);
const FAILED_OUTCOMES = new Set(['failed-transient', 'failed-permanent']);

function paymentIntentOf(entry: RequestLogEntry): string | null {
  const match = /^\/v1\/payment_intents\/([^/]+)$/.exec(entry.path);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

/** Distinct idempotency keys that got a 200 per PaymentIntent: the writes that really happened (later 200s with a known key are replays). */
export function effectiveWrites(log: RequestLogEntry[]): Map<string, Set<string>> {
  const writes = new Map<string, Set<string>>();
  for (const entry of log) {
    const pi = paymentIntentOf(entry);
    if (entry.method !== 'POST' || entry.status !== 200 || !pi) continue;
    const keys = writes.get(pi) ?? new Set<string>();
    keys.add(entry.idempotencyKey ?? `(no key #${keys.size})`);
    writes.set(pi, keys);
  }
  return writes;
}

async function paymentIntents(world: World, ids: string[]): Promise<Map<string, Record<string, string> | null>> {
  const out = new Map<string, Record<string, string> | null>();
  for (let i = 0; i < ids.length; i += 100) {
    const batch = ids.slice(i, i + 100);
    const found = await Promise.all(batch.map((id) => world.emulator.paymentIntent(id)));
    batch.forEach((id, j) => out.set(id, found[j]?.metadata ?? null));
  }
  return out;
}

/** A record is either untouched, fully resolved, or carries a consistent failure trail. */
function consistencyProblems(doc: Doc): string[] {
  const history = Array.isArray(doc.history) ? doc.history : [];
  const resolving = history.filter((h) => RESOLVING_OUTCOMES.has(String(h.outcome))).length;
  const failures = history.filter((h) => FAILED_OUTCOMES.has(String(h.outcome))).length;
  const problems: string[] = [];
  if (doc.resolvedAt) {
    if (!doc.resolvedBy || !doc.resolution) problems.push('resolved without resolvedBy/resolution');
    if (resolving !== 1) problems.push(`${resolving} resolution entries in its history`);
    if (!RESOLVING_OUTCOMES.has(String(history.at(-1)?.outcome))) problems.push('last history entry is not the resolution');
  } else {
    if (doc.resolution != null) problems.push('a resolution without resolvedAt');
    if (resolving > 0) problems.push('a resolution entry in the history of an unresolved record');
    if (history.length > 0 && (!doc.lastError || !doc.lastAttemptAt)) problems.push('history without lastError/lastAttemptAt');
    if ((typeof doc.attempts === 'number' ? doc.attempts : 0) !== failures) problems.push(`attempts ${String(doc.attempts)} but ${failures} failures in history`);
  }
  return problems.map((p) => `${String(doc._id)} (${String(doc.paymentIntentId)}): ${p}`);
}

export async function checkInvariants(world: World, opts: InvariantOptions): Promise<Figures> {
  const docs = (await world.records().find({}).toArray()) as Doc[];
  const log = await world.emulator.requests();
  const bySession = new Map<string, Doc[]>();
  for (const doc of docs) bySession.set(String(doc.stripeSessionId), [...(bySession.get(String(doc.stripeSessionId)) ?? []), doc]);

  // No dead letter lost, none created twice.
  const expected = [...opts.seeded, ...(opts.expectedNew ?? [])];
  const lost = expected.filter((r) => (bySession.get(r.stripeSessionId) ?? []).length === 0).map((r) => r.paymentIntentId);
  const twice = expected.filter((r) => (bySession.get(r.stripeSessionId) ?? []).length > 1).map((r) => r.paymentIntentId);
  const expectedSessions = new Set(expected.map((r) => r.stripeSessionId));
  const unexpected = docs.filter((d) => !expectedSessions.has(String(d.stripeSessionId))).map((d) => String(d.paymentIntentId));
  expect(lost, 'dead letters lost').toEqual([]);
  expect(twice, 'dead letters stored twice').toEqual([]);
  expect(unexpected, 'dead letters nobody expected').toEqual([]);
  expect(docs.flatMap(consistencyProblems), 'half-written records').toEqual([]);

  const metadata = await paymentIntents(world, [...new Set(docs.map((d) => String(d.paymentIntentId)))]);

  // Every resolved record's PaymentIntent carries its session id.
  const resolvedWithout = docs.filter((d) => d.resolvedAt && metadata.get(String(d.paymentIntentId))?.stripeSessionId !== d.stripeSessionId);
  expect(resolvedWithout.map((d) => d.paymentIntentId), 'resolved but the PaymentIntent lacks the session id').toEqual([]);

  // No conflicting stripeSessionId overwritten: neither now nor at any point (no write reached it).
  const writes = effectiveWrites(log);
  const conflicts = opts.seeded.filter((r) => r.kind === 'conflict');
  const overwritten = conflicts.filter((r) => !metadata.get(r.paymentIntentId)?.stripeSessionId?.startsWith('cs_test_other_') || writes.has(r.paymentIntentId));
  expect(overwritten.map((r) => r.paymentIntentId), 'conflicting session ids overwritten').toEqual([]);

  // Each PaymentIntent written at most once effectively; replays are harmless.
  const rewritten = [...writes].filter(([, keys]) => keys.size > 1).map(([pi]) => pi);
  expect(rewritten, 'PaymentIntents written more than once').toEqual([]);

  if (!opts.allowPatchedUnresolved) {
    // A patch always reaches the record in the same breath.
    const orphaned = docs.filter((d) => !d.resolvedAt && writes.has(String(d.paymentIntentId)));
    expect(orphaned.map((d) => d.paymentIntentId), 'PaymentIntents patched while their record stayed unresolved').toEqual([]);
  }

  // Bounded work: no retry loop.
  expect(log.length, `Stripe requests over the budget of ${opts.budget}`).toBeLessThanOrEqual(opts.budget);

  const writeCount = log.filter((e) => e.method !== 'GET').length;
  const effective = [...writes.values()].reduce((n, keys) => n + keys.size, 0);
  const replays = log.filter((e) => e.method === 'POST' && e.status === 200).length - effective;
  return {
    records: docs.length,
    resolved: docs.filter((d) => d.resolvedAt).length,
    unresolved: docs.filter((d) => !d.resolvedAt).length,
    requests: log.length,
    budget: opts.budget,
    reads: log.length - writeCount,
    writes: writeCount,
    effectiveWrites: effective,
    replays,
    faultsSeen: log.filter((e) => FAULT_STATUSES.has(e.status)).length,
    status429: log.filter((e) => e.status === 429).length,
    duplicates: twice.length,
    losses: lost.length,
  };
}

/** Σ over the records a run targets of what one successful backfill costs: the base of a request budget. */
export function baseRequests(records: Array<{ kind: SeedKind }>): number {
  return records.reduce((n, r) => n + REQUESTS_PER_KIND[r.kind], 0);
}

/** The seeded records still unresolved in the database (what the next run targets). */
export async function unresolvedSeeds(world: World, seeded: SeedRecord[]): Promise<SeedRecord[]> {
  const open = new Set((await world.records().find({ resolvedAt: null }, { projection: { stripeSessionId: 1 } }).toArray()).map((d) => String(d.stripeSessionId)));
  return seeded.filter((r) => open.has(r.stripeSessionId));
}

/** One short line of figures for docs/RELIABILITY.md. */
export function report(scenario: string, figures: Partial<Figures> & Record<string, unknown>): void {
  console.log(`[reliability] ${scenario}: ${Object.entries(figures).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
}
