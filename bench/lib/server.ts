/**
 * The database every figure runs against: MONGODB_URI when set (use a scratch
 * database: the bench creates and drops bench_* collections there), otherwise
 * the embedded FerretDB the sandbox uses.
 */
import { MongoClient, type Db } from 'mongodb';
import { startMongoSandbox } from '../../src/sandbox/mongo-launcher.js';
import { closeConnection, openConnection } from '../../src/store/connection.js';
import { serverInfo, type ServerInfo } from '../../src/store/server-info.js';

export interface BenchServer {
  uri: string;
  info: ServerInfo;
  /** Who started it, in words, for the results. */
  origin: string;
  /** The embedded server's process, for CPU accounting; null for MONGODB_URI. */
  pid: number | null;
  client: MongoClient;
  /** The URI's database (the one the CLI uses too). */
  db: Db;
  stop(): Promise<void>;
}

export function describeServer(server: BenchServer): string {
  const name = server.info.kind === 'ferretdb' ? `FerretDB ${server.info.version === 'unknown' ? '(embedded' : `${server.info.version} (`}, SQLite backend)` : `MongoDB ${server.info.version}`;
  return `${name}, ${server.origin}`;
}

export async function startBenchServer(): Promise<BenchServer> {
  const external = process.env.MONGODB_URI;
  const sandbox = external ? null : await startMongoSandbox();
  const uri = external || (sandbox?.uri as string);
  try {
    const connection = await openConnection(uri, { serverSelectionTimeoutMS: 10_000 });
    const info = await serverInfo(connection).finally(() => closeConnection(connection));
    const client = await MongoClient.connect(uri);
    const db = client.db();
    return {
      uri,
      info,
      origin: external ? 'MONGODB_URI' : 'embedded sandbox (startMongoSandbox)',
      pid: sandbox?.pid ?? null,
      client,
      db,
      async stop() {
        await client.close();
        await sandbox?.stop();
      },
    };
  } catch (err) {
    await sandbox?.stop();
    throw err;
  }
}

/** A fresh, empty collection for one figure. */
export async function freshCollection(server: BenchServer, name: string) {
  await server.db.collection(name).drop().catch(() => undefined);
  return server.db.collection(name);
}
