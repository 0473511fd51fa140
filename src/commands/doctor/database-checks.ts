/** MongoDB: connectivity, server kind, the collection, upstream's indexes. */
import { UsageError } from '../../errors.js';
import type { Database } from '../../factory.js';
import { check, failure, type Check } from './checks.js';

type StoreAdmin = Database['admin'];
type IndexReport = Awaited<ReturnType<StoreAdmin['inspectIndexes']>>[number];
type ServerInfo = Awaited<ReturnType<StoreAdmin['serverInfo']>>;

export interface DatabaseReport {
  checks: Check[];
  server: { kind: ServerInfo['kind']; version: string } | null;
}

function serverCheck(info: ServerInfo): Check {
  if (info.kind === 'mongodb') return check('ok', 'server', `MongoDB ${info.version}`);
  const version = info.version === 'unknown' ? '' : ` ${info.version}`;
  return check(
    'warn',
    'server',
    `FerretDB${version} (reports MongoDB ${info.mongoVersion}): a test database; partial indexes and transactions are unavailable`,
  );
}

function indexCheck(report: IndexReport, triedToCreate: boolean): Check {
  const name = `index ${report.name}`;
  const extra = report.detail ? ` (${report.detail})` : '';
  switch (report.status) {
    case 'exists':
    case 'created':
      return check('ok', name, `${report.status}${extra}`);
    case 'unsupported':
      return check('warn', name, `unsupported: ${report.detail ?? 'the server cannot build this index'}`);
    case 'missing':
      // After --create-indexes, "missing" means a conflicting index the operator must drop first.
      return check('warn', name, triedToCreate ? `not created: ${report.detail ?? 'missing'}` : `${report.detail ?? 'missing'}; create it with: billing-backfill doctor --create-indexes`);
  }
}

async function collectionChecks(admin: StoreAdmin): Promise<Check[]> {
  const summary = await admin.collectionSummary();
  if (!summary.exists) {
    return [check('warn', 'collection', `${admin.collection} does not exist in this database (nothing dead-lettered yet, or the wrong database or --collection)`)];
  }
  const s = (n: number) => (n === 1 ? '' : 's');
  return [
    check('ok', 'collection', `${admin.collection}: ${summary.records} record${s(summary.records)}`),
    check('ok', 'unresolved', `${summary.unresolved} unresolved record${s(summary.unresolved)}`),
  ];
}

/** A connection failure is one failed check and ends the database checks; it never throws. */
export async function databaseChecks(open: () => Promise<Database>, opts: { createIndexes: boolean }): Promise<DatabaseReport> {
  let admin: StoreAdmin;
  try {
    admin = (await open()).admin;
  } catch (err) {
    // A missing URI carries its own hint; the generic one for an unreachable server points at doctor itself.
    const hint = err instanceof UsageError ? undefined : 'check --mongo-uri / MONGODB_URI and that the server is up; database checks skipped';
    return { checks: [failure('mongodb', err, hint)], server: null };
  }
  const checks = [check('ok', 'mongodb', 'connected')];
  let server: DatabaseReport['server'] = null;
  try {
    const info = await admin.serverInfo();
    server = { kind: info.kind, version: info.version };
    checks.push(serverCheck(info));
  } catch (err) {
    checks.push(failure('server', err));
  }
  try {
    checks.push(...(await collectionChecks(admin)));
  } catch (err) {
    checks.push(failure('collection', err));
  }
  try {
    const reports = opts.createIndexes ? await admin.createIndexes() : await admin.inspectIndexes();
    checks.push(...reports.map((r) => indexCheck(r, opts.createIndexes)));
  } catch (err) {
    checks.push(failure('indexes', err));
  }
  return { checks, server };
}
