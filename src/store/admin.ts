/**
 * What `doctor` needs to know about the server and the dead-letter
 * collection, and the one schema change it makes when asked. Kept apart from
 * the repository: none of this is record work, and none of it runs implicitly.
 */
import type { Connection } from 'mongoose';
import { rawCollection } from './connection.js';
import { createUpstreamIndexes, inspectIndexes, serverInfo, type IndexReport, type ServerInfo } from './indexes.js';

export interface CollectionSummary {
  exists: boolean;
  records: number;
  unresolved: number;
}

export class StoreAdmin {
  constructor(
    private readonly connection: Connection,
    private readonly collectionName: string,
  ) {}

  get collection(): string {
    return this.collectionName;
  }

  serverInfo(): Promise<ServerInfo> {
    return serverInfo(this.connection);
  }

  async collectionSummary(): Promise<CollectionSummary> {
    const db = this.connection.db;
    if (!db) throw new Error('the MongoDB connection is not open');
    const found = await db.listCollections({ name: this.collectionName }, { nameOnly: true }).toArray();
    if (found.length === 0) return { exists: false, records: 0, unresolved: 0 };
    const collection = rawCollection(this.connection, this.collectionName);
    const [records, unresolved] = await Promise.all([collection.countDocuments({}), collection.countDocuments({ resolvedAt: null })]);
    return { exists: true, records, unresolved };
  }

  inspectIndexes(): Promise<IndexReport[]> {
    return inspectIndexes(this.connection, this.collectionName);
  }

  createIndexes(): Promise<IndexReport[]> {
    return createUpstreamIndexes(this.connection, this.collectionName);
  }
}
