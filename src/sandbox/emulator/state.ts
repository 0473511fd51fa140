import type { SeedObjects } from './contract.js';
import type { Metadata } from './metadata.js';
import { chargeFrom, checkoutSessionFrom, paymentIntentFrom, refundsOf, type Refund, type StripeObject } from './objects.js';

export class ObjectStore {
  private readonly paymentIntents = new Map<string, StripeObject>();
  private readonly checkoutSessions = new Map<string, StripeObject>();
  private readonly charges = new Map<string, StripeObject>();
  // Refund and charge lists are filtered by PaymentIntent; an index keeps that O(charges of the PI)
  // when a benchmark seeds 100,000 charges.
  private readonly chargeIdsByPaymentIntent = new Map<string, Set<string>>();

  /** Replaces objects by id (defaults re-applied) and returns how many were written. */
  upsert(seeds: SeedObjects): number {
    for (const seed of seeds.payment_intents ?? []) this.paymentIntents.set(seed.id, paymentIntentFrom(seed));
    for (const seed of seeds.checkout_sessions ?? []) this.checkoutSessions.set(seed.id, checkoutSessionFrom(seed));
    for (const seed of seeds.charges ?? []) this.putCharge(chargeFrom(seed));
    return (seeds.payment_intents?.length ?? 0) + (seeds.checkout_sessions?.length ?? 0) + (seeds.charges?.length ?? 0);
  }

  paymentIntent(id: string): StripeObject | undefined {
    return this.paymentIntents.get(id);
  }

  checkoutSession(id: string): StripeObject | undefined {
    return this.checkoutSessions.get(id);
  }

  charge(id: string): StripeObject | undefined {
    return this.charges.get(id);
  }

  /** Any stored object by id, for `expand`. */
  find(id: string): StripeObject | undefined {
    return this.paymentIntents.get(id) ?? this.charges.get(id) ?? this.checkoutSessions.get(id);
  }

  setMetadata(paymentIntent: StripeObject, metadata: Metadata): StripeObject {
    const updated = { ...paymentIntent, metadata };
    this.paymentIntents.set(updated.id, updated);
    return updated;
  }

  /** Charges newest first, optionally only those of one PaymentIntent. */
  chargesOf(paymentIntentId?: string): StripeObject[] {
    const charges =
      paymentIntentId === undefined
        ? [...this.charges.values()]
        : [...(this.chargeIdsByPaymentIntent.get(paymentIntentId) ?? [])].map((id) => this.charges.get(id) as StripeObject);
    return charges.sort(newestFirst);
  }

  refundsOf(filter: { paymentIntentId?: string; chargeId?: string }): Refund[] {
    const charges = filter.chargeId === undefined ? this.chargesOf(filter.paymentIntentId) : [this.charges.get(filter.chargeId)];
    return charges
      .filter((charge): charge is StripeObject => charge !== undefined)
      .filter((charge) => filter.paymentIntentId === undefined || charge.payment_intent === filter.paymentIntentId)
      .flatMap(refundsOf)
      .sort(newestFirst);
  }

  clear(): void {
    this.paymentIntents.clear();
    this.checkoutSessions.clear();
    this.charges.clear();
    this.chargeIdsByPaymentIntent.clear();
  }

  private putCharge(charge: StripeObject): void {
    const previous = this.charges.get(charge.id);
    if (typeof previous?.payment_intent === 'string') this.chargeIdsByPaymentIntent.get(previous.payment_intent)?.delete(charge.id);
    this.charges.set(charge.id, charge);
    if (typeof charge.payment_intent !== 'string') return;
    let ids = this.chargeIdsByPaymentIntent.get(charge.payment_intent);
    if (ids === undefined) this.chargeIdsByPaymentIntent.set(charge.payment_intent, (ids = new Set()));
    ids.add(charge.id);
  }
}

function newestFirst(a: StripeObject, b: StripeObject): number {
  return Number(b.created) - Number(a.created) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export interface StoredReply {
  status: number;
  body: string;
}

type IdempotencyLookup = { kind: 'new' } | { kind: 'replay'; reply: StoredReply } | { kind: 'conflict' };

/** Saved POST results by Idempotency-Key, each tied to the exact request that produced it. */
export class IdempotencyStore {
  private readonly entries = new Map<string, { fingerprint: string; reply: StoredReply }>();

  lookup(key: string, fingerprint: string): IdempotencyLookup {
    const entry = this.entries.get(key);
    if (entry === undefined) return { kind: 'new' };
    return entry.fingerprint === fingerprint ? { kind: 'replay', reply: entry.reply } : { kind: 'conflict' };
  }

  save(key: string, fingerprint: string, reply: StoredReply): void {
    this.entries.set(key, { fingerprint, reply });
  }

  clear(): void {
    this.entries.clear();
  }
}
