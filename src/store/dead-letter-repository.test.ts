import mongoose from 'mongoose';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/helpers/db.js';
import type { AttemptInput, RecordQuery } from '../core/ports.js';
import { HISTORY_LIMIT } from '../core/record.js';
import { UsageError } from '../errors.js';
import { MongoDeadLetterRepository } from './dead-letter-repository.js';
import { DEAD_LETTER_COLLECTION } from './model.js';

const { ObjectId } = mongoose.mongo;
const database = useTestDatabase();
const raw = () => database.db.collection(DEAD_LETTER_COLLECTION);
const repository = () => new MongoDeadLetterRepository(database.connection, DEAD_LETTER_COLLECTION);

/** Exactly what upstream's mongoose model writes. */
function upstreamDoc(overrides: Record<string, unknown> = {}) {
  return {
    _id: new ObjectId(),
    paymentIntentId: 'pi_123',
    stripeSessionId: 'cs_test_123',
    error: 'Stripe API timeout',
    failedAt: new Date('2026-03-01T10:00:00Z'),
    resolvedAt: null,
    resolvedBy: null,
    __v: 0,
    ...overrides,
  };
}

async function insertRaw(...docs: Array<Record<string, unknown>>): Promise<string[]> {
  const result = await raw().insertMany(docs);
  return Object.values(result.insertedIds).map(String);
}

const UPSTREAM_FIELDS = ['_id', 'paymentIntentId', 'stripeSessionId', 'error', 'failedAt', '__v'];

const attempt = (overrides: Partial<AttemptInput> = {}): AttemptInput => ({
  at: new Date('2026-03-02T00:00:00Z'),
  actor: 'ops@example.com',
  action: 'retry',
  outcome: 'transient-failure',
  error: 'rate limited',
  countsAsAttempt: true,
  lastError: { type: 'StripeRateLimitError', code: 'rate_limit', message: 'Too many requests', requestId: 'req_1', status: 429 },
  ...overrides,
});

beforeEach(async () => {
  await raw().deleteMany({});
});

describe('reading documents written by others', () => {
  it('reads upstream-shaped documents without problems', async () => {
    const [id] = await insertRaw(upstreamDoc());
    const record = await repository().getById(id as string);
    expect(record).toMatchObject({
      id,
      paymentIntentId: 'pi_123',
      stripeSessionId: 'cs_test_123',
      error: 'Stripe API timeout',
      failedAt: new Date('2026-03-01T10:00:00Z'),
      resolvedAt: null,
      resolvedBy: null,
      attempts: 0,
      history: [],
      problems: [],
    });
  });

  it('reads missing, mistyped and unknown fields as problems, never as crashes', async () => {
    await insertRaw(
      { paymentIntentId: 42, stripeSessionId: 'cs_1', failedAt: 'garbage', surprise: { nested: [1, 2] } },
      {},
      { paymentIntentId: 'pi_ok', stripeSessionId: ['cs_x'], attempts: 'many', history: 'nope', lastError: 5, resolvedAt: 'soon' },
    );
    const page = await repository().findPage({ state: 'any' }, { limit: 10, order: 'newest' });
    expect(page.total).toBe(3);
    expect(page.items).toHaveLength(3);
    for (const record of page.items) expect(record.problems.length).toBeGreaterThan(0);
    const byPi = Object.fromEntries(page.items.map((r) => [r.paymentIntentId, r]));
    expect(byPi['42']?.problems).toEqual(['paymentIntentId "42" is not a pi_… id', 'failedAt is missing or not a date']);
    expect(byPi['']?.problems).toContain('stripeSessionId is missing');
    expect(byPi.pi_ok).toMatchObject({ attempts: 0, history: [], lastError: null });
    // A non-date resolvedAt is resolved for MongoDB's { resolvedAt: null }; the record says the same.
    expect(byPi.pi_ok).toMatchObject({ resolved: true, resolvedAt: null });
    expect(byPi.pi_ok?.problems).toContain('resolvedAt is set but is not a date: counted as resolved, as MongoDB queries count it');
    const unresolved = await repository().findPage({ state: 'unresolved' }, { limit: 10, order: 'newest' });
    expect(unresolved.items.map((r) => r.paymentIntentId).sort()).toEqual(['', '42']);
    expect(unresolved.items.every((r) => !r.resolved)).toBe(true);
    const resolved = await repository().findPage({ state: 'resolved' }, { limit: 10, order: 'newest' });
    expect(resolved.items.map((r) => r.paymentIntentId)).toEqual(['pi_ok']);

    const streamed = [];
    for await (const record of repository().stream({ state: 'any' }, { order: 'oldest' })) streamed.push(record);
    expect(streamed).toHaveLength(3);
  });
});

describe('writes only add fields', () => {
  it('bulk-inserts in the upstream shape with its defaults', async () => {
    const failedAt = new Date('2026-03-02T00:00:00Z');
    const n = await repository().insertMany([
      { paymentIntentId: 'pi_m1', stripeSessionId: 'cs_m1', error: 'e1', failedAt },
      { paymentIntentId: 'pi_m2', stripeSessionId: 'cs_m2', error: null, failedAt },
    ]);
    expect(n).toBe(2);
    const docs = await raw().find({ paymentIntentId: { $in: ['pi_m1', 'pi_m2'] } }).sort({ paymentIntentId: 1 }).toArray();
    expect(docs.map(({ _id: _ignored, ...rest }) => rest)).toEqual([
      { paymentIntentId: 'pi_m1', stripeSessionId: 'cs_m1', error: 'e1', failedAt, resolvedAt: null, resolvedBy: null, __v: 0 },
      { paymentIntentId: 'pi_m2', stripeSessionId: 'cs_m2', error: null, failedAt, resolvedAt: null, resolvedBy: null, __v: 0 },
    ]);
    expect(await repository().insertMany([])).toBe(0);
  });

  it('inserts the upstream shape plus only the additive fields given', async () => {
    const plain = await repository().insert({
      paymentIntentId: 'pi_a',
      stripeSessionId: 'cs_a',
      error: null,
      failedAt: new Date('2026-03-01T00:00:00Z'),
    });
    const doc = await raw().findOne({ _id: new ObjectId(plain.id) });
    expect(doc).toEqual({
      _id: new ObjectId(plain.id),
      paymentIntentId: 'pi_a',
      stripeSessionId: 'cs_a',
      error: null,
      failedAt: new Date('2026-03-01T00:00:00Z'),
      resolvedAt: null,
      resolvedBy: null,
      __v: 0,
    });

    const withExtras = await repository().insert({
      paymentIntentId: 'pi_b',
      stripeSessionId: 'cs_b',
      error: 'boom',
      failedAt: new Date('2026-03-01T00:00:00Z'),
      attempts: 2,
    });
    const extrasDoc = await raw().findOne({ _id: new ObjectId(withExtras.id) });
    expect(Object.keys(extrasDoc ?? {}).sort()).toEqual([...UPSTREAM_FIELDS, 'attempts', 'resolvedAt', 'resolvedBy'].sort());
    expect(withExtras).toMatchObject({ attempts: 2, problems: [] });

    const history = [{ at: new Date('2026-03-01T00:00:00Z'), actor: 'webhook', action: 'dead-letter', outcome: 'dead-lettered', error: 'boom' }];
    const full = await repository().insert({
      paymentIntentId: 'pi_c',
      stripeSessionId: 'cs_c',
      error: 'boom',
      failedAt: new Date('2026-03-01T00:00:00Z'),
      attempts: 3,
      lastAttemptAt: new Date('2026-03-01T00:00:00Z'),
      lastError: attempt().lastError,
      history,
    });
    const fullDoc = await raw().findOne({ _id: new ObjectId(full.id) });
    expect(fullDoc).toMatchObject({ lastError: attempt().lastError, history });
    expect(Object.keys(fullDoc?.lastError ?? {})).not.toContain('_id');
    expect(Object.keys(fullDoc?.history?.[0] ?? {})).not.toContain('_id');
    expect(full).toMatchObject({ attempts: 3, lastError: attempt().lastError, history: [{ ...history[0], note: null }] });
  });

  it('records attempts and resolves without touching upstream fields', async () => {
    const [id] = (await insertRaw(upstreamDoc())) as [string];
    const before = await raw().findOne({ _id: new ObjectId(id) });
    const repo = repository();

    await repo.recordAttempt(id, attempt());
    await repo.recordAttempt(id, attempt({ countsAsAttempt: false, lastError: null, outcome: 'skipped', error: null, note: 'dry run' }));
    const afterAttempts = await raw().findOne({ _id: new ObjectId(id) });
    expect(afterAttempts).toEqual({
      ...before,
      attempts: 1,
      lastAttemptAt: new Date('2026-03-02T00:00:00Z'),
      lastError: attempt().lastError,
      history: [
        { at: new Date('2026-03-02T00:00:00Z'), actor: 'ops@example.com', action: 'retry', outcome: 'transient-failure', error: 'rate limited' },
        { at: new Date('2026-03-02T00:00:00Z'), actor: 'ops@example.com', action: 'retry', outcome: 'skipped', error: null, note: 'dry run' },
      ],
    });

    const resolvedAt = new Date('2026-03-03T00:00:00Z');
    const resolve = { at: resolvedAt, actor: 'cron', action: 'retry', outcome: 'patched', resolution: 'patched' as const, resolutionNote: 'fixed' };
    expect(await repo.markResolved(id, resolve)).toBe(true);
    const resolved = await raw().findOne({ _id: new ObjectId(id) });
    for (const field of UPSTREAM_FIELDS) expect(resolved?.[field]).toEqual(before?.[field]);
    expect(resolved).toMatchObject({ resolvedAt, resolvedBy: 'cron', resolution: 'patched', resolutionNote: 'fixed', lastAttemptAt: resolvedAt, attempts: 1 });
    expect(resolved?.history).toHaveLength(3);

    // a second resolve is refused and changes nothing
    expect(await repo.markResolved(id, { ...resolve, at: new Date('2026-03-04T00:00:00Z'), actor: 'admin' })).toBe(false);
    expect(await raw().findOne({ _id: new ObjectId(id) })).toEqual(resolved);
  });

  it('keeps at most HISTORY_LIMIT history entries, the newest', async () => {
    const [id] = (await insertRaw(upstreamDoc())) as [string];
    const repo = repository();
    for (let i = 0; i < HISTORY_LIMIT + 3; i++) await repo.recordAttempt(id, attempt({ note: `#${i}` }));
    const record = await repo.getById(id);
    expect(record?.attempts).toBe(HISTORY_LIMIT + 3);
    expect(record?.history).toHaveLength(HISTORY_LIMIT);
    expect(record?.history[0]?.note).toBe('#3');
    expect(record?.history.at(-1)?.note).toBe(`#${HISTORY_LIMIT + 2}`);
  });
});

describe('lookups', () => {
  it('returns null for unknown or invalid ids', async () => {
    await insertRaw(upstreamDoc());
    expect(await repository().getById(new ObjectId().toHexString())).toBeNull();
    expect(await repository().getById('not-an-id')).toBeNull();
  });

  it('finds by record id, PaymentIntent or session, oldest first, duplicates included', async () => {
    const [newer, older, other] = (await insertRaw(
      upstreamDoc({ failedAt: new Date('2026-03-05T00:00:00Z') }),
      upstreamDoc({ failedAt: new Date('2026-03-01T00:00:00Z') }),
      upstreamDoc({ paymentIntentId: 'pi_other', stripeSessionId: 'cs_other' }),
    )) as [string, string, string];
    const repo = repository();
    expect((await repo.findByRef('pi_123')).map((r) => r.id)).toEqual([older, newer]);
    expect((await repo.findByRef('cs_test_123')).map((r) => r.id)).toEqual([older, newer]);
    expect((await repo.findByRef(other.toUpperCase())).map((r) => r.id)).toEqual([other]);
    expect(await repo.findByRef('pi_missing')).toEqual([]);
    await expect(repo.findByRef('what')).rejects.toBeInstanceOf(UsageError);
  });
});

describe('filters', () => {
  const ids: Record<string, string> = {};
  beforeEach(async () => {
    const names = ['old', 'mid', 'new', 'resolved', 'tried'];
    const inserted = await insertRaw(
      upstreamDoc({ failedAt: new Date('2026-01-01T00:00:00Z'), error: 'Request rate (limit) exceeded' }),
      upstreamDoc({ failedAt: new Date('2026-02-01T00:00:00Z'), paymentIntentId: 'pi_mid', stripeSessionId: 'cs_mid', attempts: 2 }),
      upstreamDoc({ failedAt: new Date('2026-03-01T00:00:00Z'), error: null, lastError: { message: 'Card DECLINED' } }),
      upstreamDoc({ failedAt: new Date('2026-02-15T00:00:00Z'), resolvedAt: new Date('2026-02-16T00:00:00Z'), resolvedBy: 'admin' }),
      upstreamDoc({ failedAt: new Date('2026-02-20T00:00:00Z'), attempts: 5 }),
    );
    names.forEach((name, i) => (ids[name] = inserted[i] as string));
  });

  async function matching(query: RecordQuery): Promise<string[]> {
    const repo = repository();
    const page = await repo.findPage(query, { limit: 50, order: 'oldest' });
    expect(await repo.count(query)).toBe(page.total);
    const byId = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name]));
    return page.items.map((r) => byId[r.id] as string);
  }

  it('selects by state, treating a missing resolvedAt as unresolved', async () => {
    await raw().updateOne({ _id: new ObjectId(ids.mid) }, { $unset: { resolvedAt: '' } });
    expect(await matching({ state: 'unresolved' })).toEqual(['old', 'mid', 'tried', 'new']);
    expect(await matching({ state: 'resolved' })).toEqual(['resolved']);
    expect(await matching({ state: 'any' })).toHaveLength(5);
  });

  it('selects by failedAt range, ids, error text and attempts', async () => {
    expect(await matching({ state: 'any', since: new Date('2026-02-01T00:00:00Z'), until: new Date('2026-02-20T00:00:00Z') })).toEqual([
      'mid',
      'resolved',
      'tried',
    ]);
    expect(await matching({ state: 'any', paymentIntentId: 'pi_mid' })).toEqual(['mid']);
    expect(await matching({ state: 'any', stripeSessionId: 'cs_mid' })).toEqual(['mid']);
    expect(await matching({ state: 'any', errorContains: 'RATE (LIMIT)' })).toEqual(['old']);
    expect(await matching({ state: 'any', errorContains: 'card declined' })).toEqual(['new']);
    expect(await matching({ state: 'any', errorContains: '.*' })).toEqual([]);
    expect(await matching({ state: 'any', attemptsBelow: 3 })).toEqual(['old', 'mid', 'resolved', 'new']);
    expect(await matching({ state: 'unresolved', attemptsBelow: 1 })).toEqual(['old', 'new']);
  });
});

describe('pruneResolved', () => {
  it('deletes only records resolved before the cutoff, and dry runs only count', async () => {
    const cutoff = new Date('2026-03-01T00:00:00Z');
    const [oldResolved] = await insertRaw(
      upstreamDoc({ resolvedAt: new Date('2026-02-01T00:00:00Z'), resolvedBy: 'admin' }),
      upstreamDoc({ resolvedAt: new Date('2026-03-02T00:00:00Z'), resolvedBy: 'admin' }),
      upstreamDoc({ failedAt: new Date('2025-01-01T00:00:00Z') }),
      upstreamDoc({ failedAt: new Date('2025-01-01T00:00:00Z'), resolvedAt: 'garbage' }),
    );
    const repo = repository();
    expect(await repo.pruneResolved(cutoff, { dryRun: true })).toBe(1);
    expect(await raw().countDocuments()).toBe(4);
    expect(await repo.pruneResolved(cutoff, { dryRun: false })).toBe(1);
    expect(await raw().countDocuments()).toBe(3);
    expect(await repo.getById(oldResolved as string)).toBeNull();
  });
});
