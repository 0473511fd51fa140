import type { Connection, mongo } from 'mongoose';
import type { ClaimResult, WebhookEventOutcome, WebhookEventStore } from '../core/ports.js';
import { rawCollection } from './connection.js';
import { isDuplicateKey } from './mongo-errors.js';
import { cachedServerInfo } from './server-info.js';

export const WEBHOOK_EVENT_COLLECTION = 'billing_backfill_webhook_events';

// The Stripe event id is the _id: one document per event on any server, no index needed.
interface WebhookEventDocument {
  _id: string;
  type: string;
  state: 'processing' | 'done';
  owner: string;
  claimedAt: Date;
  leaseExpiresAt: Date;
  outcome?: WebhookEventOutcome;
  completedAt?: Date;
}

// A claim released between our insert and our read frees the id again.
const CLAIM_ROUNDS = 3;

export class MongoWebhookEventStore implements WebhookEventStore {
  constructor(
    private readonly connection: Connection,
    private readonly collectionName: string = WEBHOOK_EVENT_COLLECTION,
  ) {}

  private get collection(): mongo.Collection<WebhookEventDocument> {
    return rawCollection<WebhookEventDocument>(this.connection, this.collectionName);
  }

  async claim(eventId: string, meta: { type: string; owner: string; now: Date; leaseMs: number }): Promise<ClaimResult> {
    const lease = { owner: meta.owner, claimedAt: meta.now, leaseExpiresAt: new Date(meta.now.getTime() + meta.leaseMs) };
    for (let round = 1; ; round++) {
      try {
        await this.collection.insertOne({ _id: eventId, type: meta.type, state: 'processing', ...lease });
        return { state: 'claimed' };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      let current = await this.collection.findOne({ _id: eventId });
      if (current?.state === 'processing' && (current.owner === meta.owner || !(current.leaseExpiresAt > meta.now))) {
        // Ours again (a renewal) or expired: replace only the lease we saw,
        // then read back, since on FerretDB two takeovers can both match and
        // the last write wins.
        await this.collection.updateOne(
          { _id: eventId, state: 'processing', owner: current.owner, leaseExpiresAt: current.leaseExpiresAt },
          { $set: lease },
        );
        current = await this.collection.findOne({ _id: eventId });
      }
      if (current) return this.describe(current, meta.owner);
      if (round === CLAIM_ROUNDS) throw new Error(`webhook event ${eventId} kept changing hands; try again`);
    }
  }

  private describe(doc: WebhookEventDocument, owner: string): ClaimResult {
    if (doc.state === 'done') return { state: 'done', outcome: doc.outcome ?? 'ignored' };
    if (doc.owner === owner) return { state: 'claimed' };
    return { state: 'in-progress', owner: String(doc.owner), leaseExpiresAt: doc.leaseExpiresAt };
  }

  async complete(eventId: string, owner: string, outcome: WebhookEventOutcome, now: Date): Promise<void> {
    const update = { $set: { state: 'done' as const, outcome, completedAt: now } };
    if (await this.onFerretDb()) {
      if (await this.ownedBy(eventId, owner)) await this.collection.updateOne({ _id: eventId }, update);
      return;
    }
    await this.collection.updateOne({ _id: eventId, owner }, update);
  }

  async release(eventId: string, owner: string): Promise<void> {
    if (await this.onFerretDb()) {
      if (await this.ownedBy(eventId, owner, 'processing')) await this.collection.deleteOne({ _id: eventId });
      return;
    }
    await this.collection.deleteOne({ _id: eventId, owner, state: 'processing' });
  }

  /**
   * FerretDB v1 finds a document by index only when the filter is `_id` alone:
   * `{ _id, owner }` scans the whole collection, which grows by one document per
   * event (at 50 concurrent deliveries that scan was most of the server's CPU).
   * There the owner is checked on a read by `_id`; FerretDB's own conditional
   * writes are a read then a write too, so no guarantee is lost.
   */
  private async onFerretDb(): Promise<boolean> {
    return (await cachedServerInfo(this.connection)).kind === 'ferretdb';
  }

  private async ownedBy(eventId: string, owner: string, state?: WebhookEventDocument['state']): Promise<boolean> {
    const doc = await this.collection.findOne({ _id: eventId }, { projection: { owner: 1, state: 1 } });
    return doc?.owner === owner && (state === undefined || doc.state === state);
  }
}
