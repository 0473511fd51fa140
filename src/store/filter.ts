import type { mongo } from 'mongoose';
import type { RecordQuery } from '../core/ports.js';

export type Filter = mongo.Filter<mongo.Document>;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Translates a query into a filter any MongoDB-wire server (FerretDB included) evaluates. */
export function buildFilter(query: RecordQuery): Filter {
  const and: Filter[] = [];
  // `resolvedAt: null` also matches a missing field, as upstream's own queries do.
  if (query.state === 'unresolved') and.push({ resolvedAt: null });
  if (query.state === 'resolved') and.push({ resolvedAt: { $ne: null } });
  const dated = (bound: Filter): Filter => (query.includeUndated ? { $or: [{ failedAt: bound }, { failedAt: { $not: { $type: 'date' } } }] } : { failedAt: bound });
  if (query.since) and.push(dated({ $gte: query.since }));
  if (query.until) and.push(dated({ $lte: query.until }));
  if (query.paymentIntentId !== undefined) and.push({ paymentIntentId: query.paymentIntentId });
  if (query.stripeSessionId !== undefined) and.push({ stripeSessionId: query.stripeSessionId });
  if (query.errorContains) {
    const regex = { $regex: escapeRegex(query.errorContains), $options: 'i' };
    and.push({ $or: [{ error: regex }, { 'lastError.message': regex }] });
  }
  if (query.attemptsBelow !== undefined) {
    // A missing or mistyped count reads as 0 attempts (see fromDocument), so
    // it is below any positive bound: "not >= n" says exactly that.
    and.push(query.attemptsBelow > 0 ? { attempts: { $not: { $gte: query.attemptsBelow } } } : { _id: { $in: [] } });
  }
  return allOf(and);
}

/**
 * The conjunction of `parts`: one flat document when no two parts share a
 * top-level key, `$and` otherwise. The same filter either way, but FerretDB
 * evaluates an explicit `$and` ~15% slower on every document it scans.
 */
export function allOf(parts: Filter[]): Filter {
  const merged: Filter = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      if (key in merged) return { $and: parts };
      merged[key] = value;
    }
  }
  return merged;
}
