import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/helpers/db.js';
import { MongoWebhookEventStore, WEBHOOK_EVENT_COLLECTION } from './webhook-event-store.js';

const database = useTestDatabase();
const events = () => new MongoWebhookEventStore(database.connection);
const t0 = new Date('2026-03-15T10:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const meta = (owner: string, now = t0) => ({ type: 'checkout.session.completed', owner, now, leaseMs: 30_000 });

beforeEach(async () => {
  await database.db.collection(WEBHOOK_EVENT_COLLECTION).deleteMany({});
});

describe('MongoWebhookEventStore', () => {
  it('claims a new event, then reports it in progress to others', async () => {
    expect(await events().claim('evt_1', meta('a'))).toEqual({ state: 'claimed' });
    expect(await events().claim('evt_1', meta('b', later(1000)))).toEqual({ state: 'in-progress', owner: 'a', leaseExpiresAt: later(30_000) });
    const doc = await database.db.collection(WEBHOOK_EVENT_COLLECTION).findOne({ _id: 'evt_1' as never });
    expect(doc).toEqual({
      _id: 'evt_1',
      type: 'checkout.session.completed',
      state: 'processing',
      owner: 'a',
      claimedAt: t0,
      leaseExpiresAt: later(30_000),
    });
  });

  it('reports a completed event as done with its outcome, to anyone', async () => {
    await events().claim('evt_1', meta('a'));
    await events().complete('evt_1', 'b', 'patched', later(1)); // not the owner: ignored
    expect(await events().claim('evt_1', meta('c', later(2)))).toMatchObject({ state: 'in-progress' });
    await events().complete('evt_1', 'a', 'patched', later(3));
    expect(await events().claim('evt_1', meta('c', later(60_000)))).toEqual({ state: 'done', outcome: 'patched' });
    expect(await events().claim('evt_1', meta('a', later(60_000)))).toEqual({ state: 'done', outcome: 'patched' });
  });

  it('gives exactly one of many concurrent claims the event', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => events().claim('evt_race', meta(`owner-${i}`))));
    expect(results.filter((r) => r.state === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.state === 'in-progress')).toHaveLength(9);
  });

  it('takes over an expired lease', async () => {
    await events().claim('evt_1', meta('a'));
    expect(await events().claim('evt_1', meta('b', later(30_000)))).toEqual({ state: 'claimed' });
    expect(await events().claim('evt_1', meta('a', later(31_000)))).toEqual({ state: 'in-progress', owner: 'b', leaseExpiresAt: later(60_000) });
    // the old owner can no longer complete or release it
    await events().complete('evt_1', 'a', 'ignored', later(32_000));
    await events().release('evt_1', 'a');
    expect(await events().claim('evt_1', meta('c', later(33_000)))).toMatchObject({ state: 'in-progress', owner: 'b' });
  });

  it('renews the lease when its owner claims again', async () => {
    await events().claim('evt_1', meta('a'));
    expect(await events().claim('evt_1', meta('a', later(40_000)))).toEqual({ state: 'claimed' });
    expect(await events().claim('evt_1', meta('b', later(50_000)))).toEqual({ state: 'in-progress', owner: 'a', leaseExpiresAt: later(70_000) });
  });

  it('lets the owner release a claim so a redelivery can claim it again', async () => {
    await events().claim('evt_1', meta('a'));
    await events().release('evt_1', 'a');
    expect(await events().claim('evt_1', meta('b', later(1)))).toEqual({ state: 'claimed' });
    await events().complete('evt_1', 'b', 'dead-lettered', later(2));
    await events().release('evt_1', 'b'); // done stays done
    expect(await events().claim('evt_1', meta('c', later(3)))).toEqual({ state: 'done', outcome: 'dead-lettered' });
  });
});
