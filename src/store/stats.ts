import type { mongo } from 'mongoose';
import type { Stats } from '../core/ports.js';

const DAY_MS = 86_400_000;

function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Uses only what FerretDB also implements ($match, $group with $sum, $sort,
 * $limit, plain finds): per-day counts are tallied here from one projected
 * scan of the window, so memory stays at one counter per day.
 */
export async function computeStats(
  collection: mongo.Collection,
  now: Date,
  opts: { days: number; topErrors: number },
): Promise<Stats> {
  const firstDay = Math.floor(now.getTime() / DAY_MS) * DAY_MS - (opts.days - 1) * DAY_MS;
  const windowEnd = firstDay + opts.days * DAY_MS;

  const [unresolved, resolved, oldest, perDay, topErrors] = await Promise.all([
    collection.countDocuments({ resolvedAt: null }),
    collection.countDocuments({ resolvedAt: { $ne: null } }),
    collection
      .find({ resolvedAt: null, failedAt: { $type: 'date' } }, { projection: { _id: 0, failedAt: 1 } })
      .sort({ failedAt: 1 })
      .limit(1)
      .next(),
    countPerDay(collection, firstDay, windowEnd, opts.days),
    opts.topErrors > 0
      ? collection
          .aggregate<{ _id: string; count: number }>([
            { $match: { resolvedAt: null, error: { $type: 'string' } } },
            { $group: { _id: '$error', count: { $sum: 1 } } },
            { $sort: { count: -1, _id: 1 } },
            { $limit: opts.topErrors },
          ])
          .toArray()
      : [],
  ]);

  return {
    unresolved,
    resolved,
    oldestUnresolvedAt: oldest?.failedAt instanceof Date ? oldest.failedAt : null,
    perDay,
    topErrors: topErrors.map(({ _id, count }) => ({ error: _id, count })),
  };
}

async function countPerDay(collection: mongo.Collection, firstDay: number, windowEnd: number, days: number): Promise<Stats['perDay']> {
  const counts = new Array<number>(Math.max(days, 0)).fill(0);
  const cursor = collection
    .find({ failedAt: { $gte: new Date(firstDay), $lt: new Date(windowEnd) } }, { projection: { _id: 0, failedAt: 1 } })
    .batchSize(1000);
  for await (const doc of cursor) {
    if (!(doc.failedAt instanceof Date)) continue;
    const index = Math.floor((doc.failedAt.getTime() - firstDay) / DAY_MS);
    if (index >= 0 && index < counts.length) counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts.map((count, i) => ({ day: utcDay(new Date(firstDay + i * DAY_MS)), count }));
}
