import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/helpers/db.js';
import { buildScenario, upstreamDocument } from '../../sandbox/seed.js';

const database = useTestDatabase();

describe('stats (built binary)', () => {
  it('stats --json prints one monitoring document and exits 0', async () => {
    const now = new Date();
    await database.db.collection('billing_failed_backfills').insertMany(buildScenario({ fixable: 2, conflict: 1 }, { now, spreadHours: 1 }).records.map(upstreamDocument));
    const run = await execa('node', ['bin/billing-backfill.cjs', 'stats', '--json'], { env: { MONGODB_URI: database.uri }, reject: false });
    expect(run.exitCode).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({ unresolved: 3, resolved: 0, oldestUnresolvedAt: expect.any(String) });
    expect(doc.perDay).toHaveLength(14);
    expect(doc.perDay.reduce((sum: number, d: { count: number }) => sum + d.count, 0)).toBe(3);
  });
});
