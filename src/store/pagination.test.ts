import mongoose from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/helpers/db.js';
import type { Order } from '../core/ports.js';
import type { DeadLetter } from '../core/record.js';
import { UsageError } from '../errors.js';
import { closeConnection } from './connection.js';
import { MongoDeadLetterRepository } from './dead-letter-repository.js';

const { ObjectId, Long } = mongoose.mongo;
type Doc = { _id: InstanceType<typeof ObjectId> | string; failedAt?: unknown; [key: string]: unknown };

const database = useTestDatabase();
const SMALL = 'small';
const LARGE = 'large';
const LARGE_COUNT = 1_100; // more than two stream batches

const smallDocs: Doc[] = [];

/** Expected order: dated records by (failedAt, _id), the rest by _id as if failed at the epoch. */
function expectedOrder(docs: Doc[], order: Order): string[] {
  const time = (d: Doc) => (d.failedAt instanceof Date ? d.failedAt.getTime() : Number.NEGATIVE_INFINITY);
  const id = (d: Doc) => (typeof d._id === 'string' ? `0${d._id}` : `1${d._id.toHexString()}`);
  const sorted = [...docs].sort((a, b) => time(a) - time(b) || (id(a) < id(b) ? -1 : 1));
  const ids = sorted.map((d) => String(d._id));
  return order === 'oldest' ? ids : ids.reverse();
}

beforeAll(async () => {
  const base = Date.parse('2026-03-01T00:00:00Z');
  for (let i = 0; i < 23; i++) {
    // every third pair shares a failedAt, so the _id tie-break matters
    smallDocs.push({ _id: new ObjectId(), paymentIntentId: `pi_${i}`, stripeSessionId: `cs_${i}`, failedAt: new Date(base + Math.floor(i / 2) * 60_000) });
  }
  smallDocs.push({ _id: new ObjectId(), paymentIntentId: 'pi_nodate', stripeSessionId: 'cs_nodate' });
  smallDocs.push({ _id: new ObjectId(), paymentIntentId: 'pi_garbage', stripeSessionId: 'cs_garbage', failedAt: 'garbage' });
  smallDocs.push({ _id: new ObjectId(), paymentIntentId: 'pi_null', stripeSessionId: 'cs_null', failedAt: null });
  // ids some other writer chose: BSON orders strings before ObjectIds
  smallDocs.push({ _id: 'legacy-b', paymentIntentId: 'pi_lb', stripeSessionId: 'cs_lb', failedAt: new Date(base) });
  smallDocs.push({ _id: 'legacy-a', paymentIntentId: 'pi_la', stripeSessionId: 'cs_la' });
  await database.db.collection<Doc>(SMALL).insertMany(smallDocs);

  const large = Array.from({ length: LARGE_COUNT }, (_, i) => ({
    paymentIntentId: `pi_l${i}`,
    stripeSessionId: `cs_l${i}`,
    error: 'boom',
    failedAt: new Date(base + (i % 400) * 1000),
    resolvedAt: null,
    resolvedBy: null,
  }));
  await database.db.collection(LARGE).insertMany(large);
});

describe('findPage', () => {
  for (const order of ['newest', 'oldest'] as const) {
    it(`walks every record once, ${order} first, undated ones as the oldest`, async () => {
      const repo = new MongoDeadLetterRepository(database.connection, SMALL);
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const page = await repo.findPage({ state: 'any' }, { limit: 4, after, order });
        expect(page.total).toBe(smallDocs.length);
        expect(page.items.length).toBeLessThanOrEqual(4);
        seen.push(...page.items.map((r) => r.id));
        after = page.nextCursor;
        pages++;
      } while (after && pages < 20);
      expect(after).toBeNull();
      expect(pages).toBe(Math.ceil(smallDocs.length / 4));
      expect(seen).toEqual(expectedOrder(smallDocs, order));
    });
  }

  it('counts the whole query, not the page, and ends with a null cursor', async () => {
    const repo = new MongoDeadLetterRepository(database.connection, SMALL);
    const page = await repo.findPage({ state: 'any', since: new Date('2026-03-01T00:05:00Z') }, { limit: 100, order: 'newest' });
    expect(page.total).toBe(13);
    expect(page.items).toHaveLength(13);
    expect(page.nextCursor).toBeNull();
  });

  it('rejects a malformed cursor or page size as a usage error', async () => {
    const repo = new MongoDeadLetterRepository(database.connection, SMALL);
    const bad = ['garbage!!', Buffer.from('nonsense').toString('base64url'), Buffer.from('12.oXYZ').toString('base64url'), ''.padEnd(5, '*')];
    for (const after of bad) {
      await expect(repo.findPage({ state: 'any' }, { limit: 5, after, order: 'newest' })).rejects.toMatchObject({
        name: 'UsageError',
        message: 'invalid --after cursor',
      });
    }
    await expect(repo.findPage({ state: 'any' }, { limit: 0, order: 'newest' })).rejects.toBeInstanceOf(UsageError);
  });
});

async function collect(iterable: AsyncIterable<DeadLetter>, onEach?: (r: DeadLetter, i: number) => Promise<void> | void): Promise<DeadLetter[]> {
  const out: DeadLetter[] = [];
  for await (const record of iterable) {
    await onEach?.(record, out.length);
    out.push(record);
  }
  return out;
}

describe('stream', () => {
  it('yields small sets in order, undated records included', async () => {
    const repo = new MongoDeadLetterRepository(database.connection, SMALL);
    for (const order of ['newest', 'oldest'] as const) {
      const ids = (await collect(repo.stream({ state: 'any' }, { order }))).map((r) => r.id);
      expect(ids).toEqual(expectedOrder(smallDocs, order));
    }
  });

  it('yields each record once across batches while the records are being updated', async () => {
    const repo = new MongoDeadLetterRepository(database.connection, LARGE);
    const at = new Date('2026-03-10T00:00:00Z');
    const order = await database.db.collection(LARGE).find({}, { projection: { _id: 1 } }).sort({ failedAt: 1, _id: 1 }).toArray();
    let updatedAhead = 0;
    const records = await collect(repo.stream({ state: 'any' }, { order: 'oldest' }), async (record, i) => {
      // update the record just yielded and, from the side, one not yet reached
      if (i % 50 === 0) {
        await repo.markResolved(record.id, { at, actor: 't', action: 'retry', outcome: 'patched', resolution: 'patched' });
        const ahead = order[i + 300];
        if (ahead) {
          await repo.recordAttempt(String(ahead._id), { at, actor: 't', action: 'retry', outcome: 'failed', countsAsAttempt: true, lastError: null });
          updatedAhead++;
        }
      }
    });
    const ids = records.map((r) => r.id);
    expect(ids).toHaveLength(LARGE_COUNT);
    expect(new Set(ids).size).toBe(LARGE_COUNT);
    const times = records.map((r) => r.failedAt?.getTime() ?? 0);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(updatedAhead).toBeGreaterThan(5);
  });

  it('resumes after the server forgets its cursor, without repeats', async () => {
    // A connection of its own that reports cursor ids, so the test can kill one.
    const connection = await mongoose.createConnection(database.uri, { monitorCommands: true }).asPromise();
    try {
      let cursorId: unknown;
      connection.getClient().on('commandSucceeded', (event) => {
        if (event.commandName === 'find') cursorId = (event.reply as { cursor?: { id?: unknown } }).cursor?.id;
      });
      const repo = new MongoDeadLetterRepository(connection, LARGE);
      let kills = 0;
      const records = await collect(repo.stream({ state: 'any' }, { order: 'newest' }), async (_record, i) => {
        if (i === 10 || i === 700) {
          await database.db.command({ killCursors: LARGE, cursors: [Long.fromValue(cursorId as number)] });
          kills++;
        }
      });
      expect(kills).toBe(2);
      expect(new Set(records.map((r) => r.id)).size).toBe(LARGE_COUNT);
      expect(records).toHaveLength(LARGE_COUNT);
    } finally {
      await closeConnection(connection);
    }
  });

  it('stops when the signal aborts', async () => {
    const repo = new MongoDeadLetterRepository(database.connection, LARGE);
    const controller = new AbortController();
    const records = await collect(repo.stream({ state: 'any' }, { order: 'newest', signal: controller.signal }), (_r, i) => {
      if (i === 9) controller.abort();
    });
    expect(records).toHaveLength(10);
  });
});
