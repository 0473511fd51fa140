import { describe, expect, it } from 'vitest';
import { fromDocument } from './record.js';

const upstream = { _id: 'a'.repeat(24), paymentIntentId: 'pi_1', stripeSessionId: 'cs_1', error: 'timeout', failedAt: new Date('2026-03-01T00:00:00Z') };

describe('fromDocument: resolved means what MongoDB means by it', () => {
  it.each([
    ['missing', {}, false],
    ['null', { resolvedAt: null }, false],
    ['a date', { resolvedAt: new Date('2026-03-02T00:00:00Z') }, true],
  ])('resolvedAt %s', (_label, fields, resolved) => {
    const record = fromDocument({ ...upstream, ...fields });
    expect(record.resolved).toBe(resolved);
    expect(record.resolvedAt).toEqual(resolved ? new Date('2026-03-02T00:00:00Z') : null);
    expect(record.problems).toEqual([]);
  });

  it.each([
    ['a non-date string', 'soon'],
    ['false', false],
    ['an object', { when: 'yesterday' }],
  ])('resolvedAt %s: resolved, with a problem, never a crash', (_label, value) => {
    const record = fromDocument({ ...upstream, resolvedAt: value });
    expect(record.resolved).toBe(true);
    expect(record.resolvedAt).toBeNull();
    expect(record.problems).toEqual(['resolvedAt is set but is not a date: counted as resolved, as MongoDB queries count it']);
  });
});
