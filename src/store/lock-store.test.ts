import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/helpers/db.js';
import { LOCK_COLLECTION, MongoLockStore } from './lock-store.js';

const database = useTestDatabase();
const locks = () => new MongoLockStore(database.connection);
const t0 = new Date('2026-03-15T10:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

beforeEach(async () => {
  await database.db.collection(LOCK_COLLECTION).deleteMany({});
});

describe('MongoLockStore', () => {
  it('gives a free lock to the first owner and tells the next who holds it', async () => {
    expect(await locks().acquire('retry', 'alice', 60_000, t0)).toEqual({ acquired: true });
    expect(await locks().acquire('retry', 'bob', 60_000, later(1000))).toEqual({
      acquired: false,
      holder: { owner: 'alice', acquiredAt: t0, expiresAt: later(60_000) },
    });
    expect(await locks().acquire('other', 'bob', 60_000, t0)).toEqual({ acquired: true });
  });

  it('lets its owner re-acquire, which extends it', async () => {
    await locks().acquire('retry', 'alice', 60_000, t0);
    expect(await locks().acquire('retry', 'alice', 60_000, later(30_000))).toEqual({ acquired: true });
    const result = await locks().acquire('retry', 'bob', 60_000, later(70_000));
    expect(result).toMatchObject({ acquired: false, holder: { owner: 'alice', expiresAt: later(90_000) } });
  });

  it('takes over an expired lock', async () => {
    await locks().acquire('retry', 'alice', 60_000, t0);
    expect(await locks().acquire('retry', 'bob', 60_000, later(60_000))).toEqual({ acquired: true });
    expect(await locks().acquire('retry', 'alice', 60_000, later(61_000))).toMatchObject({ acquired: false, holder: { owner: 'bob' } });
  });

  it('renews and releases only for its owner', async () => {
    await locks().acquire('retry', 'alice', 60_000, t0);
    expect(await locks().renew('retry', 'bob', 60_000, later(50_000))).toBe(false);
    expect(await locks().renew('retry', 'alice', 60_000, later(50_000))).toBe(true);
    expect(await locks().acquire('retry', 'bob', 60_000, later(100_000))).toMatchObject({ acquired: false, holder: { expiresAt: later(110_000) } });

    await locks().release('retry', 'bob');
    expect(await locks().acquire('retry', 'bob', 60_000, later(100_000))).toMatchObject({ acquired: false });
    await locks().release('retry', 'alice');
    expect(await locks().acquire('retry', 'bob', 60_000, later(100_000))).toEqual({ acquired: true });
    expect(await locks().renew('gone', 'bob', 60_000, t0)).toBe(false);
  });

  it('ends a race for a free lock with one winner', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => locks().acquire('race', `owner-${i}`, 60_000, t0)));
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
  });
});
