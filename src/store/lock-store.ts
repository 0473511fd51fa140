import type { Connection, mongo } from 'mongoose';
import type { LockHolder, LockResult, LockStore } from '../core/ports.js';
import { rawCollection } from './connection.js';
import { isDuplicateKey } from './mongo-errors.js';

export const LOCK_COLLECTION = 'billing_backfill_locks';

// The lock name is the _id: uniqueness without building an index.
interface LockDocument {
  _id: string;
  owner: string;
  acquiredAt: Date;
  expiresAt: Date;
}

// A holder that releases between our insert and our read frees the name;
// a few rounds settle that without looping forever on a flapping lock.
const ACQUIRE_ROUNDS = 3;

function holderOf(doc: mongo.WithId<LockDocument>): LockHolder {
  const date = (value: unknown) => (value instanceof Date ? value : new Date(0));
  return { owner: String(doc.owner), acquiredAt: date(doc.acquiredAt), expiresAt: date(doc.expiresAt) };
}

export class MongoLockStore implements LockStore {
  constructor(
    private readonly connection: Connection,
    private readonly collectionName: string = LOCK_COLLECTION,
  ) {}

  private get collection(): mongo.Collection<LockDocument> {
    return rawCollection<LockDocument>(this.connection, this.collectionName);
  }

  async acquire(name: string, owner: string, ttlMs: number, now: Date): Promise<LockResult> {
    const lock = { owner, acquiredAt: now, expiresAt: new Date(now.getTime() + ttlMs) };
    for (let round = 1; ; round++) {
      try {
        await this.collection.insertOne({ _id: name, ...lock });
        return { acquired: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      // Taken: take it over when expired (or already ours, which renews it).
      await this.collection.updateOne({ _id: name, $or: [{ expiresAt: { $lte: now } }, { owner }] }, { $set: lock });
      // FerretDB's updates are not atomic, so two takeovers can both match;
      // reading back leaves only the last writer believing it holds the lock.
      const current = await this.collection.findOne({ _id: name });
      if (current) return current.owner === owner ? { acquired: true } : { acquired: false, holder: holderOf(current) };
      if (round === ACQUIRE_ROUNDS) throw new Error(`lock "${name}" kept changing hands; try again`);
    }
  }

  async renew(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    const result = await this.collection.updateOne({ _id: name, owner }, { $set: { expiresAt: new Date(now.getTime() + ttlMs) } });
    return result.matchedCount === 1;
  }

  async release(name: string, owner: string): Promise<void> {
    await this.collection.deleteOne({ _id: name, owner });
  }
}
