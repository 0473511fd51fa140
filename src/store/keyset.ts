/**
 * Keyset ordering on (failedAt, _id), for pages and streams.
 *
 * A range condition on failedAt only matches BSON dates, so documents whose
 * failedAt is missing, null or mistyped would silently drop out of a keyset
 * walk. They form their own segment instead, ordered by _id and placed as if
 * they had failed at the epoch: first when oldest-first, last when newest-first.
 */
import mongoose from 'mongoose';
import type { Order } from '../core/ports.js';
import { UsageError } from '../errors.js';
import { allOf, type Filter } from './filter.js';

const { ObjectId } = mongoose.mongo;
type ObjectId = mongoose.mongo.ObjectId;
type Sort = Record<string, 1 | -1>;

/** Upstream ids are ObjectIds; a string _id from some other writer still pages. */
export type RecordKey = { failedAt: Date | null; id: ObjectId | string };

export interface SegmentQuery {
  filter: Filter;
  sort: Sort;
}

type Segment = 'undated' | 'dated';

const SEGMENT_FILTER: Record<Segment, Filter> = {
  undated: { failedAt: { $not: { $type: 'date' } } },
  dated: { failedAt: { $type: 'date' } },
};

function segmentsFor(order: Order): Segment[] {
  return order === 'oldest' ? ['undated', 'dated'] : ['dated', 'undated'];
}

function segmentOf(key: RecordKey): Segment {
  return key.failedAt ? 'dated' : 'undated';
}

export function keyOf(doc: { _id?: unknown; failedAt?: unknown }): RecordKey {
  const failedAt = doc.failedAt instanceof Date ? doc.failedAt : null;
  const id = doc._id instanceof ObjectId ? doc._id : String(doc._id);
  return { failedAt, id };
}

function afterFilter(key: RecordKey, order: Order): Filter {
  const op = order === 'oldest' ? '$gt' : '$lt';
  if (!key.failedAt) return { _id: { [op]: key.id } };
  return { $or: [{ failedAt: { [op]: key.failedAt } }, { failedAt: key.failedAt, _id: { [op]: key.id } }] };
}

/** The queries that, run in turn, list `base` in `order` strictly after `after`. */
export function orderedQueries(base: Filter, order: Order, after: RecordKey | null): SegmentQuery[] {
  const dir = order === 'oldest' ? 1 : -1;
  const segments = segmentsFor(order);
  const start = after ? segments.indexOf(segmentOf(after)) : 0;
  return segments.slice(start).map((segment, i) => {
    const parts: Filter[] = [base, SEGMENT_FILTER[segment]];
    if (after && i === 0) parts.push(afterFilter(after, order));
    const sort: Sort = segment === 'dated' ? { failedAt: dir, _id: dir } : { _id: dir };
    return { filter: allOf(parts), sort };
  });
}

// BSON orders strings before ObjectIds; within a type, byte order.
function compareIds(a: ObjectId | string, b: ObjectId | string): number {
  const rank = (id: ObjectId | string) => (typeof id === 'string' ? 0 : 1);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const [x, y] = [a.toString(), b.toString()];
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareKeys(a: RecordKey, b: RecordKey): number {
  const ta = a.failedAt?.getTime() ?? null;
  const tb = b.failedAt?.getTime() ?? null;
  if (ta === null || tb === null) {
    if (ta !== tb) return ta === null ? -1 : 1;
  } else if (ta !== tb) {
    return ta - tb;
  }
  return compareIds(a.id, b.id);
}

/** True when `key` comes strictly after `previous` in `order`. */
export function follows(key: RecordKey, previous: RecordKey, order: Order): boolean {
  const cmp = compareKeys(key, previous);
  return order === 'oldest' ? cmp > 0 : cmp < 0;
}

export function encodeCursor(key: RecordKey): string {
  const id = typeof key.id === 'string' ? `s${key.id}` : `o${key.id.toHexString()}`;
  return Buffer.from(`${key.failedAt?.getTime() ?? ''}.${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): RecordKey {
  const invalid = () => new UsageError('invalid --after cursor', 'pass the nextCursor value of a previous page unchanged');
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(-?\d{1,16})?\.(?:o([0-9a-f]{24})|s(.+))$/s.exec(text);
  if (!match) throw invalid();
  const [, ms, hex, str] = match;
  const failedAt = ms === undefined ? null : new Date(Number(ms));
  if (failedAt && Number.isNaN(failedAt.getTime())) throw invalid();
  return { failedAt, id: hex !== undefined ? new ObjectId(hex) : (str as string) };
}
