import { randomBytes } from 'node:crypto';
import mongoose, { type Connection, type mongo } from 'mongoose';
import type {
  AttemptInput,
  DeadLetterRepository,
  HistoryInput,
  NewDeadLetter,
  Order,
  Page,
  RecordQuery,
  ResolveInput,
  Stats,
} from '../core/ports.js';
import { HISTORY_LIMIT, fromDocument, isRecordId, parseRef, type DeadLetter } from '../core/record.js';
import { sleep } from '../core/retry.js';
import { UsageError } from '../errors.js';
import { rawCollection } from './connection.js';
import { buildFilter, type Filter } from './filter.js';
import { decodeCursor, encodeCursor, follows, keyOf, orderedQueries, type RecordKey } from './keyset.js';
import { MongoLockStore } from './lock-store.js';
import { DEAD_LETTER_COLLECTION, deadLetterModel } from './model.js';
import { isCursorNotFound } from './mongo-errors.js';
import { cachedServerInfo } from './server-info.js';
import { computeStats } from './stats.js';

const STREAM_BATCH_SIZE = 500;
// A guarded update on FerretDB takes a claim for the few milliseconds it runs (see inTurn).
const CLAIM_TTL_MS = 30_000;
const CLAIM_WAIT_MS = 20;
const CLAIM_ROUNDS = 100;

function historyEntry(input: HistoryInput): mongo.Document {
  return {
    at: input.at,
    actor: input.actor,
    action: input.action,
    outcome: input.outcome,
    error: input.error ?? null,
    ...(input.note != null ? { note: input.note } : {}),
  };
}

function pushHistory(input: HistoryInput): mongo.Document {
  return { history: { $each: [historyEntry(input)], $slice: -HISTORY_LIMIT } };
}

/** Upstream ids are ObjectIds; anything else is looked up as written. */
function idFilter(id: string): Filter {
  return { _id: isRecordId(id) ? new mongoose.mongo.ObjectId(id) : id } as Filter;
}

function toModelInput(input: NewDeadLetter): Record<string, unknown> {
  const { history, lastError, ...rest } = input;
  return {
    ...rest,
    ...(lastError ? { lastError } : {}),
    ...(history ? { history: history.map(historyEntry) } : {}),
  };
}

export class MongoDeadLetterRepository implements DeadLetterRepository {
  constructor(
    private readonly connection: Connection,
    private readonly collectionName: string = DEAD_LETTER_COLLECTION,
  ) {}

  private get collection(): mongo.Collection {
    return rawCollection(this.connection, this.collectionName);
  }

  async insert(input: NewDeadLetter): Promise<DeadLetter> {
    // Through the model, so the document gets upstream's defaults and shape.
    const created = await deadLetterModel(this.connection, this.collectionName).create(toModelInput(input));
    return fromDocument(created.toObject());
  }

  async insertMany(inputs: NewDeadLetter[]): Promise<number> {
    if (inputs.length === 0) return 0;
    const created = await deadLetterModel(this.connection, this.collectionName).insertMany(inputs.map(toModelInput), { ordered: false });
    return created.length;
  }

  async findPage(query: RecordQuery, opts: { limit: number; after?: string | null; order: Order }): Promise<Page> {
    if (!Number.isInteger(opts.limit) || opts.limit < 1) throw new UsageError('the page size must be a positive integer');
    const after = opts.after ? decodeCursor(opts.after) : null;
    const base = buildFilter(query);
    const [total, docs] = await Promise.all([this.collection.countDocuments(base), this.pageDocs(base, opts.order, after, opts.limit + 1)]);
    const items = docs.slice(0, opts.limit);
    const last = items.at(-1);
    return {
      items: items.map(fromDocument),
      total,
      nextCursor: docs.length > opts.limit && last ? encodeCursor(keyOf(last)) : null,
    };
  }

  private async pageDocs(base: Filter, order: Order, after: RecordKey | null, wanted: number): Promise<mongo.Document[]> {
    const docs: mongo.Document[] = [];
    for (const { filter, sort } of orderedQueries(base, order, after)) {
      if (docs.length >= wanted) break;
      docs.push(...(await this.collection.find(filter).sort(sort).limit(wanted - docs.length).toArray()));
    }
    return docs;
  }

  count(query: RecordQuery): Promise<number> {
    return this.collection.countDocuments(buildFilter(query));
  }

  async *stream(query: RecordQuery, opts: { order: Order; signal?: AbortSignal }): AsyncIterable<DeadLetter> {
    const base = buildFilter(query);
    let last: RecordKey | null = null;
    // Resuming from the last key yielded (never at or before it) is what
    // keeps each record to one appearance, across batches and cursor loss.
    for (let resume = true; resume; ) {
      resume = false;
      for (const { filter, sort } of orderedQueries(base, opts.order, last)) {
        if (opts.signal?.aborted) return;
        // Upstream has no index on failedAt: over a large set MongoDB sorts
        // in memory, and older servers refuse past 100 MB without disk.
        const cursor = this.collection.find(filter).sort(sort).allowDiskUse(true).batchSize(STREAM_BATCH_SIZE);
        try {
          for await (const doc of cursor) {
            if (opts.signal?.aborted) return;
            const key = keyOf(doc);
            if (last && !follows(key, last, opts.order)) continue;
            last = key;
            yield fromDocument(doc);
          }
        } catch (err) {
          if (!isCursorNotFound(err) || opts.signal?.aborted) throw err;
          resume = true;
          break;
        } finally {
          await cursor.close();
        }
      }
    }
  }

  async getById(id: string): Promise<DeadLetter | null> {
    const doc = await this.collection.findOne(idFilter(id));
    return doc ? fromDocument(doc) : null;
  }

  async findByRef(ref: string): Promise<DeadLetter[]> {
    const parsed = parseRef(ref);
    if (!parsed) throw new UsageError(`"${ref}" is not a record id, a pi_… or a cs_…`);
    const filter: Filter =
      parsed.kind === 'id'
        ? idFilter(parsed.value)
        : parsed.kind === 'paymentIntent'
          ? { paymentIntentId: parsed.value }
          : { stripeSessionId: parsed.value };
    const docs = await this.collection.find(filter).sort({ failedAt: 1, _id: 1 }).toArray();
    return docs.map(fromDocument);
  }

  async recordAttempt(id: string, attempt: AttemptInput): Promise<void> {
    await this.updateById(id, null, {
      $set: { lastAttemptAt: attempt.at, ...(attempt.lastError ? { lastError: attempt.lastError } : {}) },
      ...(attempt.countsAsAttempt ? { $inc: { attempts: 1 } } : {}),
      $push: pushHistory(attempt),
    });
  }

  markResolved(id: string, input: ResolveInput): Promise<boolean> {
    // The resolvedAt: null guard makes a second or concurrent resolve a no-op
    // that reports false, without transactions or findAndModify.
    return this.updateById(id, { resolvedAt: null }, {
      $set: {
        resolvedAt: input.at,
        resolvedBy: input.actor,
        resolution: input.resolution,
        lastAttemptAt: input.at,
        ...(input.resolutionNote != null ? { resolutionNote: input.resolutionNote } : {}),
      },
      $push: pushHistory(input),
    });
  }

  /**
   * One update of one record, only while `guard` (a `field: null` filter)
   * holds; true when it applied. On MongoDB this is a single atomic updateOne.
   * FerretDB v1 only looks a document up by index when the filter is `_id`
   * alone (any other filter scans the collection in Go, ~0.1 ms per document,
   * per update) and ignores `$slice`: there the guard is checked on a read by
   * `_id` and history is trimmed with `$pop`, the read and the write taking
   * turns with any other guarded update of the record (see inTurn).
   */
  private async updateById(id: string, guard: Record<string, null> | null, update: mongo.UpdateFilter<mongo.Document>): Promise<boolean> {
    const filter = idFilter(id);
    if ((await cachedServerInfo(this.connection)).kind !== 'ferretdb') {
      return (await this.collection.updateOne({ ...filter, ...guard }, update)).matchedCount === 1;
    }
    if (!guard) return this.readThenUpdate(filter, [], update);
    return this.inTurn(id, () => this.readThenUpdate(filter, Object.keys(guard), update));
  }

  private async readThenUpdate(filter: Filter, guarded: string[], update: mongo.UpdateFilter<mongo.Document>): Promise<boolean> {
    const doc = await this.collection.findOne(filter, { projection: Object.fromEntries(['history', ...guarded].map((f) => [f, 1])) });
    if (!doc || guarded.some((field) => doc[field] != null)) return false;
    await this.collection.updateOne(filter, update);
    const historyLength = Array.isArray(doc.history) ? doc.history.length + 1 : 1;
    if (historyLength > HISTORY_LIMIT) await this.collection.updateOne(filter, { $pop: { history: -1 } });
    return true;
  }

  /**
   * FerretDB runs every update as a read then a write, so two runs resolving
   * one record at the same moment would both pass the guard and both stamp
   * it. Its inserts on a unique _id are atomic: a short-lived claim in the
   * lock collection makes them take turns, and the second then sees the
   * first one's resolution.
   */
  private async inTurn<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const locks = new MongoLockStore(this.connection);
    const name = `record:${id}`;
    const owner = randomBytes(6).toString('hex');
    let claimed = false;
    // A claim still held after CLAIM_ROUNDS waits belongs to a run that died holding it (it
    // expires by itself): go on with the guard alone.
    for (let round = 0; round < CLAIM_ROUNDS && !claimed; round++) {
      if (round > 0) await sleep(CLAIM_WAIT_MS);
      claimed = (await locks.acquire(name, owner, CLAIM_TTL_MS, new Date())).acquired;
    }
    try {
      return await fn();
    } finally {
      if (claimed) await locks.release(name, owner).catch(() => undefined);
    }
  }

  stats(now: Date, opts: { days?: number; topErrors?: number } = {}): Promise<Stats> {
    return computeStats(this.collection, now, { days: opts.days ?? 14, topErrors: opts.topErrors ?? 5 });
  }

  async pruneResolved(before: Date, opts: { dryRun: boolean }): Promise<number> {
    const filter = { resolvedAt: { $ne: null, $lt: before } };
    if (opts.dryRun) return this.collection.countDocuments(filter);
    return (await this.collection.deleteMany(filter)).deletedCount;
  }
}
