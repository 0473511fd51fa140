import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/helpers/db.js';
import { UsageError } from '../errors.js';
import { closeConnection, openConnection } from './connection.js';

const database = useTestDatabase();

describe('openConnection', () => {
  it('connects with index builds and collection creation off', async () => {
    const connection = await openConnection(database.uri);
    try {
      expect(connection.readyState).toBe(1);
      expect(connection.get('autoIndex')).toBe(false);
      expect(connection.get('autoCreate')).toBe(false);
      expect(connection.name).toBe(database.db.databaseName);
    } finally {
      await closeConnection(connection);
    }
  });

  it('reports a malformed URI as a usage error without the password', async () => {
    const uris = [
      'mongodb://admin:hunter2-secret@host:99999/db',
      'notmongo://admin:hunter2-secret@host/db',
      'mongodb://admin:hunter2:secret@host/db',
      'mongodb://admin:hunter2-secret@host/db?tls=maybe',
    ];
    for (const uri of uris) {
      const err = await openConnection(uri, { serverSelectionTimeoutMS: 200 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(/^invalid MongoDB URI: /);
      expect((err as Error).message).not.toMatch(/hunter2|secret/);
    }
  });

  it('lets an unreachable server fail as the driver reports it', async () => {
    const err = await openConnection('mongodb://127.0.0.1:1/x', { serverSelectionTimeoutMS: 200 }).catch((e: unknown) => e);
    expect((err as Error).name).toMatch(/ServerSelectionError/);
  });
});
