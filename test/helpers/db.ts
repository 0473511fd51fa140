/**
 * A private database per test file on the run's server (see
 * test/setup/global-setup.ts), dropped when the file is done.
 */
import { randomBytes } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import { afterAll, beforeAll, inject, it, type TestFunction } from 'vitest';
import { closeConnection, openConnection } from '../../src/store/connection.js';

export interface TestDatabase {
  /** The server URI with this file's database as its path (query string kept). */
  readonly uri: string;
  readonly db: mongo.Db;
  readonly connection: Connection;
}

/**
 * Replaces the database in a MongoDB URI. With credentials and no explicit
 * authSource the driver would authenticate against the path's database, so
 * the original one (or admin) is pinned before the path changes.
 */
export function uriWithDatabase(uri: string, database: string): string {
  const hostsStart = uri.indexOf('://') + 3;
  const rest = uri.slice(hostsStart);
  const hostsEnd = rest.search(/[/?]/);
  const hosts = hostsEnd === -1 ? rest : rest.slice(0, hostsEnd);
  const path = hostsEnd === -1 ? '' : rest.slice(hostsEnd);
  const queryStart = path.indexOf('?');
  let query = queryStart === -1 ? '' : path.slice(queryStart);
  const original = (queryStart === -1 ? path : path.slice(0, queryStart)).replace(/^\//, '');
  if (hosts.includes('@') && !/[?&]authSource=/.test(query)) {
    query = `${query.length > 1 ? `${query}&` : '?'}authSource=${original || 'admin'}`;
  }
  return `${uri.slice(0, hostsStart)}${hosts}/${database}${query}`;
}

export function serverKind(): 'ferretdb' | 'mongodb' {
  return inject('serverKind');
}

/**
 * A test that needs real MongoDB semantics: it runs against MongoDB and is
 * reported as skipped, with the reason in its name, against FerretDB.
 */
export function itMongoOnly(reason: string, name: string, fn: TestFunction, timeout?: number): void {
  it.skipIf(serverKind() !== 'mongodb')(`${name} [needs MongoDB: ${reason}]`, fn, timeout);
}

export function useTestDatabase(): TestDatabase {
  const uri = uriWithDatabase(inject('mongoUri'), `bb_test_${randomBytes(6).toString('hex')}`);
  let connection: Connection | undefined;

  beforeAll(async () => {
    connection = await openConnection(uri);
  });
  afterAll(async () => {
    if (!connection) return;
    try {
      await connection.dropDatabase();
    } finally {
      await closeConnection(connection);
    }
  });

  const open = (): Connection => {
    if (!connection) throw new Error('useTestDatabase(): the connection opens in beforeAll; use it inside tests and hooks');
    return connection;
  };
  return {
    uri,
    get connection() {
      return open();
    },
    get db() {
      const db = open().db;
      if (!db) throw new Error('useTestDatabase(): the connection has no database');
      return db;
    },
  };
}
