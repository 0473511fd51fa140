/**
 * 3. Listing a page of unresolved records out of a long history: the CLI end
 * to end, and in one process the CLI's repository against the plain driver
 * query it stands for.
 */
import type { Collection } from 'mongodb';
import { createUpstreamIndexes } from '../../src/store/indexes.js';
import { closeConnection, openConnection } from '../../src/store/connection.js';
import { MongoDeadLetterRepository } from '../../src/store/dead-letter-repository.js';
import { expectExit, runCli } from '../lib/cli.js';
import type { BenchContext } from '../lib/context.js';
import type { FigureResult } from '../lib/report.js';
import { freshCollection } from '../lib/server.js';
import { historyDocument, insertInBatches } from '../lib/seed.js';
import { fixed, median, seconds } from '../lib/stats.js';

const COLLECTION = 'bench_listing';
const PAGE = 50;
const UNRESOLVED_EVERY = 100;

/** What `list --unresolved` asks for, written against the driver directly. */
async function rawPage(collection: Collection): Promise<string[]> {
  const filter = { resolvedAt: null };
  const [, docs] = await Promise.all([
    collection.countDocuments(filter),
    collection.find(filter).sort({ failedAt: -1, _id: -1 }).limit(PAGE).toArray(),
  ]);
  return docs.map((d) => String(d._id));
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

export async function listingFigure(ctx: BenchContext): Promise<FigureResult> {
  // On FerretDB a page costs two full scans (~0.1–0.2 ms per document): 1,000,000 records take minutes per query.
  const total = ctx.quick ? 20_000 : 1_000_000;
  // On FerretDB every round scans the whole collection twice: at 1,000,000 records that is minutes.
  const rounds = ctx.quick ? 3 : 2;
  const collection = await freshCollection(ctx.server, COLLECTION);
  const connection = await openConnection(ctx.server.uri);
  try {
    const indexes = await createUpstreamIndexes(connection, COLLECTION);
    ctx.log(`listing: inserting ${total} records (1 in ${UNRESOLVED_EVERY} unresolved); indexes: ${indexes.map((i) => `${i.name} ${i.status}`).join(', ')}`);
    const start = Date.now() - total * 1000;
    const [insertMs] = await timed(() => insertInBatches(collection, total, (i) => historyDocument(i, { unresolvedEvery: UNRESOLVED_EVERY, start })));

    ctx.log('listing: list --unresolved --limit 50 --json, spawned');
    const cli = await runCli(['list', '--unresolved', '--limit', String(PAGE), '--json', '--collection', COLLECTION], { MONGODB_URI: ctx.server.uri });
    expectExit(cli, 0, 'list');
    const listed = JSON.parse(cli.stdout) as { items: Array<{ id: string }>; total: number };

    const repository = new MongoDeadLetterRepository(connection, COLLECTION);
    const repoTimes: number[] = [];
    const rawTimes: number[] = [];
    ctx.log(`listing: ${rounds} rounds of repository.findPage against the raw driver query`);
    for (let round = 0; round < rounds; round++) {
      const [rawMs, rawIds] = await timed(() => rawPage(collection));
      const [repoMs, page] = await timed(() => repository.findPage({ state: 'unresolved' }, { limit: PAGE, after: null, order: 'newest' }));
      const repoIds = page.items.map((r) => r.id);
      if (repoIds.join() !== rawIds.join() || listed.items.map((i) => i.id).join() !== rawIds.join()) {
        throw new Error('listing: the repository, the CLI and the raw query returned different pages');
      }
      rawTimes.push(rawMs);
      repoTimes.push(repoMs);
    }
    const ratio = median(repoTimes) / median(rawTimes);
    const f = '3 Listing';
    const n = total.toLocaleString('en-US');
    return {
      rows: [
        { figure: f, measure: `insert ${n} records, driver insertMany (setup)`, value: `${seconds(insertMs)} (${fixed(total / (insertMs / 1000), 0)} docs/s)` },
        { figure: f, measure: `list --unresolved --limit ${PAGE} --json (spawned, first query after the load, ${listed.total} match)`, value: `${fixed(cli.wallMs, 0)} ms` },
        { figure: f, measure: '  repository.findPage, in process (median)', value: `${fixed(median(repoTimes), 0)} ms` },
        { figure: f, measure: '  raw driver find + countDocuments (median)', value: `${fixed(median(rawTimes), 0)} ms` },
        { figure: f, measure: '  repository / raw', value: fixed(ratio, 2), target: '≤ 1.15', pass: ratio <= 1.15 },
      ],
      notes: [
        `Listing: ${n} records in the upstream shape, 1 in ${UNRESOLVED_EVERY} unresolved, upstream's indexes created first (${indexes.map((i) => `${i.name}: ${i.status}`).join('; ')}). The raw query is what \`list\` stands for: \`find({resolvedAt: null}).sort({failedAt: -1, _id: -1}).limit(${PAGE})\` and \`countDocuments\` in parallel; the repository adds the keyset segment filter and fetches one more document to know whether there is a next page. Medians of ${rounds} alternating rounds after the spawned run. FerretDB (SQLite) scans the collection for both queries where MongoDB would use the partial index on resolvedAt, so on FerretDB the absolute times grow with the history; the ratio is what must hold on both.`,
      ],
    };
  } finally {
    await closeConnection(connection);
    await collection.drop().catch(() => undefined);
  }
}
