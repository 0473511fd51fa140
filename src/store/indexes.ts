/**
 * What `doctor` checks and, only when asked, creates: upstream's own indexes.
 * Nothing here runs implicitly (autoIndex is off everywhere).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Connection, mongo } from 'mongoose';
import { rawCollection } from './connection.js';
import { deadLetterSchema } from './model.js';
import { isNamespaceNotFound, isNotImplemented } from './mongo-errors.js';

export { serverInfo, type ServerInfo } from './server-info.js';

export type IndexStatus = 'exists' | 'created' | 'missing' | 'unsupported';

export interface IndexReport {
  name: string;
  status: IndexStatus;
  detail?: string;
}

interface UpstreamIndex {
  name: string;
  key: Record<string, 1 | -1>;
  partialFilterExpression?: mongo.Document;
}

/** Read off the schema, so the model stays the one description of upstream. */
export const UPSTREAM_INDEXES: readonly UpstreamIndex[] = deadLetterSchema.indexes().map(([key, options]) => {
  const fields = key as Record<string, 1 | -1>;
  const partial = (options as { partialFilterExpression?: mongo.Document }).partialFilterExpression;
  return {
    name: Object.entries(fields)
      .map(([field, dir]) => `${field}_${dir}`)
      .join('_'),
    key: fields,
    ...(partial ? { partialFilterExpression: partial } : {}),
  };
});

async function listIndexes(collection: mongo.Collection): Promise<mongo.Document[]> {
  try {
    return await collection.listIndexes().toArray();
  } catch (err) {
    if (isNamespaceNotFound(err)) return [];
    throw err;
  }
}

function describe(index: UpstreamIndex): string {
  const partial = index.partialFilterExpression ? ` with partialFilterExpression ${JSON.stringify(index.partialFilterExpression)}` : '';
  return `${JSON.stringify(index.key)}${partial}`;
}

function inspectOne(index: UpstreamIndex, existing: mongo.Document[]): IndexReport {
  const sameKey = existing.find((spec) => isDeepStrictEqual(spec.key, index.key));
  if (!sameKey) return { name: index.name, status: 'missing', detail: `no index on ${describe(index)}` };
  if (!isDeepStrictEqual(sameKey.partialFilterExpression, index.partialFilterExpression)) {
    return {
      name: index.name,
      status: 'missing',
      detail: `index "${String(sameKey.name)}" has the key but not the options upstream declares (${describe(index)}); drop it before creating upstream's`,
    };
  }
  return { name: index.name, status: 'exists', ...(sameKey.name !== index.name ? { detail: `named "${String(sameKey.name)}"` } : {}) };
}

export async function inspectIndexes(connection: Connection, collection: string): Promise<IndexReport[]> {
  const existing = await listIndexes(rawCollection(connection, collection));
  return UPSTREAM_INDEXES.map((index) => inspectOne(index, existing));
}

/** Creates the upstream indexes that are missing; a server that cannot build one says so in the report. */
export async function createUpstreamIndexes(connection: Connection, collection: string): Promise<IndexReport[]> {
  const target = rawCollection(connection, collection);
  const existing = await listIndexes(target);
  const reports: IndexReport[] = [];
  for (const index of UPSTREAM_INDEXES) {
    const report = inspectOne(index, existing);
    // A same-key index with other options would conflict: leave that to the operator.
    if (report.status !== 'missing' || existing.some((spec) => isDeepStrictEqual(spec.key, index.key))) {
      reports.push(report);
      continue;
    }
    try {
      const { name, key, partialFilterExpression } = index;
      await target.createIndex(key, { name, ...(partialFilterExpression ? { partialFilterExpression } : {}) });
      reports.push({ name: index.name, status: 'created' });
    } catch (err) {
      if (!isNotImplemented(err)) throw err;
      reports.push({ name: index.name, status: 'unsupported', detail: `the server cannot build ${describe(index)}: ${(err as Error).message}` });
    }
  }
  return reports;
}
