import { beforeAll, describe, expect, it } from 'vitest';
import { serverKind, useTestDatabase } from '../../test/helpers/db.js';
import { MongoDeadLetterRepository } from './dead-letter-repository.js';

const database = useTestDatabase();
const COLLECTION = 'stats';
const now = new Date('2026-03-15T10:00:00Z');
const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

beforeAll(async () => {
  const unresolved = (failedAt: unknown, error: unknown) => ({ paymentIntentId: 'pi_1', stripeSessionId: 'cs_1', error, failedAt, resolvedAt: null, resolvedBy: null });
  const resolved = (failedAt: Date, error: string) => ({ ...unresolved(failedAt, error), resolvedAt: now, resolvedBy: 'admin' });
  await database.db.collection(COLLECTION).insertMany([
    unresolved(new Date('2026-03-15T00:00:00Z'), 'timeout'),
    unresolved(new Date('2026-03-15T23:59:59Z'), 'timeout'),
    unresolved(day('2026-03-13'), 'card declined'),
    unresolved(new Date('2026-03-02T00:00:00Z'), 'timeout'), // first day of the 14-day window
    unresolved(new Date('2026-03-01T23:59:59Z'), 'rate limited'), // just outside it
    unresolved(day('2025-12-01'), 'rate limited'),
    unresolved('garbage', null),
    { paymentIntentId: 'pi_2', stripeSessionId: 'cs_2' }, // no error, no dates at all
    resolved(day('2026-03-13'), 'timeout'),
    resolved(day('2025-11-01'), 'ancient'),
  ]);
});

describe('stats', () => {
  it('counts states, the oldest unresolved failure, per-day failures and top errors', async () => {
    const stats = await new MongoDeadLetterRepository(database.connection, COLLECTION).stats(now);
    expect(stats.unresolved).toBe(8);
    expect(stats.resolved).toBe(2);
    expect(stats.oldestUnresolvedAt).toEqual(day('2025-12-01'));

    expect(stats.perDay).toHaveLength(14);
    expect(stats.perDay[0]).toEqual({ day: '2026-03-02', count: 1 });
    expect(stats.perDay.at(-1)).toEqual({ day: '2026-03-15', count: 2 });
    expect(stats.perDay.find((d) => d.day === '2026-03-13')).toEqual({ day: '2026-03-13', count: 2 });
    expect(stats.perDay.filter((d) => d.count === 0)).toHaveLength(11);
    expect(stats.perDay.map((d) => d.day)).toEqual([...stats.perDay.map((d) => d.day)].sort());

    expect(stats.topErrors).toEqual([
      { error: 'timeout', count: 3 },
      { error: 'rate limited', count: 2 },
      { error: 'card declined', count: 1 },
    ]);
  });

  it(`honours days and topErrors (on ${serverKind()}, with only the aggregation FerretDB implements)`, async () => {
    const stats = await new MongoDeadLetterRepository(database.connection, COLLECTION).stats(now, { days: 3, topErrors: 1 });
    expect(stats.perDay).toEqual([
      { day: '2026-03-13', count: 2 },
      { day: '2026-03-14', count: 0 },
      { day: '2026-03-15', count: 2 },
    ]);
    expect(stats.topErrors).toEqual([{ error: 'timeout', count: 3 }]);
  });

  it('reports an empty collection as zeros', async () => {
    const stats = await new MongoDeadLetterRepository(database.connection, 'empty').stats(now, { days: 2 });
    expect(stats).toEqual({
      unresolved: 0,
      resolved: 0,
      oldestUnresolvedAt: null,
      perDay: [
        { day: '2026-03-14', count: 0 },
        { day: '2026-03-15', count: 0 },
      ],
      topErrors: [],
    });
  });
});
