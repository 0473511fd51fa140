import { describe, expect, it } from 'vitest';
import { itMongoOnly, serverKind, useTestDatabase } from '../../test/helpers/db.js';
import { createUpstreamIndexes, inspectIndexes, UPSTREAM_INDEXES } from './indexes.js';
import { serverInfo } from './server-info.js';

const database = useTestDatabase();

describe('upstream indexes', () => {
  it('reads its index list off the model', () => {
    expect(UPSTREAM_INDEXES).toEqual([
      { name: 'paymentIntentId_1', key: { paymentIntentId: 1 } },
      { name: 'resolvedAt_1', key: { resolvedAt: 1 }, partialFilterExpression: { resolvedAt: null } },
    ]);
  });

  it('reports every index missing on a collection that does not exist', async () => {
    expect(await inspectIndexes(database.connection, 'nothing_here')).toEqual([
      expect.objectContaining({ name: 'paymentIntentId_1', status: 'missing' }),
      expect.objectContaining({ name: 'resolvedAt_1', status: 'missing' }),
    ]);
  });

  it('creates what the server supports and says clearly what it cannot build', async () => {
    const reports = await createUpstreamIndexes(database.connection, 'created');
    expect(reports[0]).toEqual({ name: 'paymentIntentId_1', status: 'created' });
    if (serverKind() === 'ferretdb') {
      expect(reports[1]).toMatchObject({ name: 'resolvedAt_1', status: 'unsupported' });
      expect(reports[1]?.detail).toMatch(/partialFilterExpression/);
    }
    const again = await inspectIndexes(database.connection, 'created');
    expect(again[0]).toEqual({ name: 'paymentIntentId_1', status: 'exists' });
    // creating again changes nothing
    expect((await createUpstreamIndexes(database.connection, 'created'))[0]).toEqual({ name: 'paymentIntentId_1', status: 'exists' });
  });

  itMongoOnly('FerretDB cannot build partial indexes', 'creates the partial resolvedAt index', async () => {
    const reports = await createUpstreamIndexes(database.connection, 'partial');
    expect(reports).toEqual([
      { name: 'paymentIntentId_1', status: 'created' },
      { name: 'resolvedAt_1', status: 'created' },
    ]);
    expect(await inspectIndexes(database.connection, 'partial')).toEqual([
      { name: 'paymentIntentId_1', status: 'exists' },
      { name: 'resolvedAt_1', status: 'exists' },
    ]);
  });

  it('does not count a same-key index with other options as upstream’s, nor replace it', async () => {
    await database.db.collection('conflict').createIndex({ resolvedAt: 1 }, { name: 'mine' });
    const [, resolved] = await createUpstreamIndexes(database.connection, 'conflict');
    expect(resolved).toMatchObject({ name: 'resolvedAt_1', status: 'missing' });
    expect(resolved?.detail).toMatch(/"mine"/);
  });
});

describe('serverInfo', () => {
  it('tells FerretDB from MongoDB', async () => {
    const info = await serverInfo(database.connection);
    expect(info.kind).toBe(serverKind());
    expect(info.mongoVersion).toMatch(/^\d+\.\d+/);
  });
});
