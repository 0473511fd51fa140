import mongoose, { type Connection } from 'mongoose';
import { UsageError, redactSecrets } from '../errors.js';

export interface ConnectionOptions {
  serverSelectionTimeoutMS?: number;
}

// The driver's names for a connection string it cannot use, as opposed to a
// server it cannot reach (those stay as they are: describeError knows them).
const URI_ERRORS = new Set(['MongoParseError', 'MongoAPIError', 'MongoInvalidArgumentError', 'MongoRuntimeError']);

// The CLI's queries last milliseconds. The driver's default (100) lets a burst
// (50 webhook deliveries at once) queue behind dozens of new connections, opened
// two at a time, and lets SQLite-backed FerretDB fight over its write lock: p99
// latency was ~1.4× higher. A maxPoolSize in the URI still wins.
const POOL_SIZE = 10;

/** The password as written and as decoded, so a message quoting either can be cleaned. */
function passwordsIn(uri: string): string[] {
  const match = /^[^:]+:\/\/[^/@:]*:([^/]*)@/.exec(uri);
  if (!match?.[1]) return [];
  const raw = match[1];
  try {
    return [raw, decodeURIComponent(raw)];
  } catch {
    return [raw];
  }
}

function describeUriError(err: Error, uri: string): UsageError {
  let message = err.message;
  for (const secret of passwordsIn(uri)) message = message.split(secret).join('[redacted]');
  return new UsageError(`invalid MongoDB URI: ${redactSecrets(message)}`, 'expected mongodb://[user:password@]host[:port]/database');
}

/**
 * Opens a dedicated connection. Index builds and collection creation are off:
 * the CLI runs against someone else's production collection and only ever
 * changes its schema through `doctor`, explicitly.
 */
export async function openConnection(uri: string, opts: ConnectionOptions = {}): Promise<Connection> {
  let connection: Connection | undefined;
  try {
    connection = mongoose.createConnection(uri, {
      autoIndex: false,
      autoCreate: false,
      serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS ?? 5000,
      ...(/[?&]maxPoolSize=/i.test(uri) ? {} : { maxPoolSize: POOL_SIZE }),
    });
    return await connection.asPromise();
  } catch (err) {
    await connection?.close(true).catch(() => undefined);
    if (err instanceof Error && URI_ERRORS.has(err.name)) throw describeUriError(err, uri);
    throw err;
  }
}

export async function closeConnection(connection: Connection): Promise<void> {
  await connection.close();
}

/** The driver's collection behind a connection, for plain-document reads and writes. */
export function rawCollection<T extends mongoose.mongo.Document = mongoose.mongo.Document>(
  connection: Connection,
  name: string,
): mongoose.mongo.Collection<T> {
  const db = connection.db;
  if (!db) throw new Error('the MongoDB connection is not open');
  return db.collection<T>(name);
}
