import type { Connection } from 'mongoose';

export interface ServerInfo {
  kind: 'ferretdb' | 'mongodb';
  /** FerretDB's own version for FerretDB ('unknown' when embedded), the server version otherwise. */
  version: string;
  /** The MongoDB version the server reports (FerretDB imitates one). */
  mongoVersion: string;
}

export async function serverInfo(connection: Connection): Promise<ServerInfo> {
  const db = connection.db;
  if (!db) throw new Error('the MongoDB connection is not open');
  const info = await db.admin().command({ buildInfo: 1 });
  const mongoVersion = String(info.version ?? 'unknown');
  if ('ferretdbVersion' in info) return { kind: 'ferretdb', version: String(info.ferretdbVersion), mongoVersion };
  return { kind: 'mongodb', version: mongoVersion, mongoVersion };
}

const known = new WeakMap<Connection, Promise<ServerInfo>>();

/** serverInfo, asked once per connection. */
export function cachedServerInfo(connection: Connection): Promise<ServerInfo> {
  let info = known.get(connection);
  if (!info) {
    info = serverInfo(connection);
    // a failed probe (e.g. a network blip) is retried next time
    info.catch(() => known.delete(connection));
    known.set(connection, info);
  }
  return info;
}
