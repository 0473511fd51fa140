/**
 * Realistic incidents for the sandbox, the demo, tests and benchmarks: dead
 * letters in the upstream shape plus the Stripe objects they point at, with
 * the outcome each one should get. Ids are deterministic so tests can assert
 * on exact results.
 */
import { PENDING_SESSION_ID } from '../core/record.js';

export type SeedKind =
  /** PaymentIntent created with the purchase keys; only stripeSessionId is __pending__. */
  | 'fixable'
  /** PaymentIntent without the purchase keys: the Checkout Session must be read. */
  | 'fixable-needs-session'
  /** Someone already patched it by hand. */
  | 'already-correct'
  /** The PaymentIntent carries another session's id. */
  | 'conflict'
  /** The PaymentIntent no longer exists (resource_missing). */
  | 'missing'
  /** Fixable, but a refund happened while the metadata was missing. */
  | 'refunded';

export type SeedCounts = Partial<Record<SeedKind, number>>;

export interface SeedRecord {
  paymentIntentId: string;
  stripeSessionId: string;
  error: string;
  failedAt: Date;
  resolvedAt: null;
  resolvedBy: null;
  kind: SeedKind;
}

export interface StripeObjects {
  payment_intents: Array<Record<string, unknown>>;
  checkout_sessions: Array<Record<string, unknown>>;
  charges: Array<Record<string, unknown>>;
}

export interface Scenario {
  records: SeedRecord[];
  stripe: StripeObjects;
}

const ERRORS = [
  'An error occurred with our connection to Stripe. Request was retried 2 times.',
  'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
  'There was an unexpected error while processing your request.',
  'This object cannot be accessed right now because another API request or Stripe process is currently accessing it.',
];

const KINDS: SeedKind[] = ['fixable', 'fixable-needs-session', 'already-correct', 'conflict', 'missing', 'refunded'];

/** 24-hex organisation ids, as the upstream ObjectIds look. */
function orgId(n: number): string {
  return (0x65f000000000 + (n % 977)).toString(16).padStart(24, '0');
}

export interface ScenarioOptions {
  now: Date;
  /** Prefix for ids, so several scenarios can share one emulator. */
  prefix?: string;
  /** Spread failedAt over this many hours before now. */
  spreadHours?: number;
}

export function buildScenario(counts: SeedCounts, opts: ScenarioOptions): Scenario {
  const prefix = opts.prefix ?? 'seed';
  const spreadMs = (opts.spreadHours ?? 72) * 3_600_000;
  const total = KINDS.reduce((sum, k) => sum + (counts[k] ?? 0), 0);
  const scenario: Scenario = { records: [], stripe: { payment_intents: [], checkout_sessions: [], charges: [] } };
  let n = 0;
  for (const kind of KINDS) {
    for (let i = 0; i < (counts[kind] ?? 0); i++, n++) {
      const id = `${prefix}${String(n).padStart(7, '0')}`;
      const pi = `pi_${id}`;
      const cs = `cs_test_${id}`;
      // Oldest first, evenly spread, so ordering is deterministic.
      const failedAt = new Date(opts.now.getTime() - spreadMs + Math.floor((spreadMs * n) / Math.max(1, total)));
      const purchase = { organizationId: orgId(n), packId: `pack_${100 * (1 + (n % 5))}`, kind: 'extras' };
      scenario.records.push({ paymentIntentId: pi, stripeSessionId: cs, error: ERRORS[n % ERRORS.length] ?? '', failedAt, resolvedAt: null, resolvedBy: null, kind });
      scenario.stripe.checkout_sessions.push({ id: cs, payment_status: 'paid', payment_intent: pi, metadata: purchase });
      if (kind === 'missing') continue;
      const metadata =
        kind === 'fixable-needs-session'
          ? { stripeSessionId: PENDING_SESSION_ID }
          : kind === 'already-correct'
            ? { ...purchase, stripeSessionId: cs }
            : kind === 'conflict'
              ? { ...purchase, stripeSessionId: `cs_test_other_${id}` }
              : { ...purchase, stripeSessionId: PENDING_SESSION_ID };
      const charge = `ch_${id}`;
      scenario.stripe.payment_intents.push({ id: pi, status: 'succeeded', amount: 4900, currency: 'usd', metadata, latest_charge: charge });
      const refunds =
        kind === 'refunded'
          ? [{ id: `re_${id}`, amount: 4900, currency: 'usd', status: 'succeeded', created: Math.floor(failedAt.getTime() / 1000) + 3600 }]
          : [];
      scenario.stripe.charges.push({
        id: charge,
        payment_intent: pi,
        amount: 4900,
        currency: 'usd',
        amount_refunded: refunds.length ? 4900 : 0,
        refunded: refunds.length > 0,
        refunds: { object: 'list', data: refunds },
      });
    }
  }
  return scenario;
}

/** The incident the demo walks through. */
export const DEMO_INCIDENT: SeedCounts = { fixable: 12, 'fixable-needs-session': 4, 'already-correct': 2, conflict: 2, missing: 2, refunded: 3 };

/** Spreads `total` records over the kinds in the proportions of a typical incident. */
export function mixedCounts(total: number): SeedCounts {
  const base = Object.values(DEMO_INCIDENT).reduce((a, b) => a + b, 0);
  const counts: SeedCounts = {};
  let assigned = 0;
  for (const kind of KINDS) {
    counts[kind] = Math.floor((total * (DEMO_INCIDENT[kind] ?? 0)) / base);
    assigned += counts[kind] ?? 0;
  }
  counts.fixable = (counts.fixable ?? 0) + (total - assigned);
  return counts;
}

/** Loads the Stripe side of a scenario into the emulator through its control API. */
export async function loadStripeObjects(emulatorUrl: string, objects: StripeObjects): Promise<void> {
  const chunk = 20_000;
  const longest = Math.max(objects.payment_intents.length, objects.checkout_sessions.length, objects.charges.length);
  for (let i = 0; i < Math.max(1, longest); i += chunk) {
    const body = {
      payment_intents: objects.payment_intents.slice(i, i + chunk),
      checkout_sessions: objects.checkout_sessions.slice(i, i + chunk),
      charges: objects.charges.slice(i, i + chunk),
    };
    const res = await fetch(new URL('/__emulator/objects', emulatorUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`emulator refused the seed objects: HTTP ${res.status} ${await res.text()}`);
  }
}

/** The upstream document of a seed record (what the billing service writes). */
export function upstreamDocument(r: SeedRecord): Record<string, unknown> {
  return {
    paymentIntentId: r.paymentIntentId,
    stripeSessionId: r.stripeSessionId,
    error: r.error,
    failedAt: r.failedAt,
    resolvedAt: null,
    resolvedBy: null,
  };
}
