import { bulkRetry, countOutcome, emptySummary, type RecordResult, type RetrySummary } from '../../core/bulk-retry.js';
import type { DeadLetterRepository, LockStore, RecordQuery } from '../../core/ports.js';
import { defaultConcurrency, defaultRate } from '../../core/pace.js';
import { createRateLimiter } from '../../core/rate-limiter.js';
import { isRecordId, type DeadLetter } from '../../core/record.js';
import { throttleGateway } from '../../core/throttled-gateway.js';
import { describeError, ExitCode, UsageError } from '../../errors.js';
import type { Factory } from '../../factory.js';
import { truncate } from '../../io/format.js';
import { jsonStream, type Output } from '../../io/output.js';
import { canPrompt } from '../../io/streams.js';
import { toRecordQuery } from '../shared/filters.js';
import type { RetryFlags } from './command.js';
import { acquireRunLock, LOCK_NAME, lockOwner, lockTtlMs } from './lock.js';

export interface RetryRunResult {
  exitCode: number;
  summary: RetrySummary | null;
}

function summaryJson(s: RetrySummary) {
  return {
    targeted: s.targeted,
    patched: s.patched,
    alreadyCorrect: s.alreadyCorrect,
    conflict: s.conflict,
    failedTransient: s.failedTransient,
    failedPermanent: s.failedPermanent,
    skipped: s.skipped,
    wouldPatch: s.wouldPatch,
  };
}

function resultJson(r: RecordResult) {
  return {
    id: r.record.id,
    paymentIntentId: r.record.paymentIntentId,
    outcome: r.outcome,
    ...(r.reason || r.error ? { error: r.reason ?? r.error?.message } : {}),
    ...(r.error ? { details: r.error } : {}),
    ...(r.backfill?.plan?.action === 'patch' ? { patch: r.backfill.plan.patch } : {}),
  };
}

async function* fromIds(repository: DeadLetterRepository, ids: string[]): AsyncIterable<DeadLetter> {
  for (const id of ids) {
    const record = await repository.getById(id);
    if (record) yield record;
  }
}

function formatRate(rate: number): string {
  return String(Math.round(rate * 100) / 100);
}

function validateIds(ids: string[]): string[] {
  const bad = ids.filter((id) => !isRecordId(id));
  if (bad.length > 0) throw new UsageError(`not a record id: ${bad.join(', ')}`, 'record ids are 24 hex characters (see `billing-backfill list`)');
  return [...new Set(ids.map((id) => id.toLowerCase()))];
}

async function takeLock(locks: LockStore, owner: string, ttlMs: number, factory: Factory, output: Output): Promise<'acquired' | 'held'> {
  const result = await acquireRunLock(locks, owner, ttlMs, factory.clock.now());
  if (result.acquired) {
    if (result.tookOverFrom) output.status(`took over the lock of ${result.tookOverFrom}: that process is gone`);
    return 'acquired';
  }
  const h = result.holder;
  output.status(
    `another retry --all is running: held by ${h.owner} since ${h.acquiredAt.toISOString()} (expires ${h.expiresAt.toISOString()}); nothing to do. Use --no-lock to run anyway.`,
  );
  return 'held';
}

function renderLine(output: Output, r: RecordResult): void {
  const t = output.theme;
  const color = r.outcome === 'patched' || r.outcome === 'already-correct' ? t.green : r.outcome === 'would-patch' || r.outcome === 'skipped' ? t.cyan : t.red;
  const detail =
    r.outcome === 'would-patch' && r.backfill?.plan?.action === 'patch'
      ? `set ${Object.entries(r.backfill.plan.patch).map(([k, v]) => `${k}=${v}`).join(' ')}`
      : (r.reason ?? r.error?.message ?? '');
  if (output.io.stdoutIsTTY) output.line(`${color(r.outcome.padEnd(16))} ${r.record.id}  ${r.record.paymentIntentId}  ${truncate(detail, 100)}`);
  else output.line([r.record.id, r.record.paymentIntentId, r.outcome, detail.replace(/\s+/g, ' ')].join('\t'));
}

function renderSummary(output: Output, s: RetrySummary, dryRun: boolean): void {
  const parts = [
    `targeted ${s.targeted}`,
    dryRun ? `would-patch ${s.wouldPatch}` : `patched ${s.patched}`,
    `already-correct ${s.alreadyCorrect}`,
    `conflict ${s.conflict}`,
    `failed-transient ${s.failedTransient}`,
    `failed-permanent ${s.failedPermanent}`,
    `skipped ${s.skipped}`,
  ];
  output.line(`${dryRun ? 'dry run (nothing written): ' : ''}${parts.join(', ')}`);
}

export async function retryRun(factory: Factory, ids: string[], flags: RetryFlags): Promise<RetryRunResult> {
  if (flags.all && ids.length > 0) throw new UsageError('give record ids or --all, not both');
  if (!flags.all && ids.length === 0) throw new UsageError('nothing to retry', 'give record ids, or --all (with filters) for every unresolved record');
  const uniqueIds = flags.all ? [] : validateIds(ids);
  const lockTtl = lockTtlMs(factory.env);
  const config = factory.config();
  if (!config.stripe) throw new UsageError('no Stripe key configured', 'pass --stripe-key or set STRIPE_SECRET_KEY');
  const startedAt = factory.clock.now();
  // Fix the target set at the start: records dead-lettered during this run wait for the next one.
  let query: RecordQuery = { ...toRecordQuery(flags, startedAt, 'unresolved') };
  // Records without a usable failedAt (other writers') cannot be dated: without time filters they
  // are targeted too, as `list` shows them, rather than silently never retried.
  query = { ...query, until: query.until && query.until < startedAt ? query.until : startedAt, includeUndated: !flags.since && !flags.until };

  const db = await factory.database();
  const rate = flags.rate ?? defaultRate(config.stripe.mode);
  const output = factory.output();
  const gateway = throttleGateway(await factory.stripe(), {
    reads: createRateLimiter(rate),
    writes: createRateLimiter(rate),
    onBackOff: (budget, now) => output.status(`Stripe rate-limited our ${budget} (429): slowing them to ${formatRate(now)}/s; the pace climbs back to ${formatRate(rate)}/s while Stripe allows it`),
  });

  let total: number | null = null;
  if (flags.all && (output.io.stderrIsTTY || (config.stripe.mode === 'live' && !flags.yes && !flags.dryRun))) {
    total = await db.repository.count(query);
    if (flags.limit !== undefined) total = Math.min(total, flags.limit);
  }

  if (flags.all && config.stripe.mode === 'live' && !flags.yes && !flags.dryRun && canPrompt(factory.io)) {
    const ok = await factory.prompter().confirm(`Retry ${total} record(s) against LIVE Stripe at ${formatRate(rate)} requests/s (reads and writes each)?`, false);
    if (!ok) {
      output.status('cancelled; nothing was written');
      return { exitCode: ExitCode.ok, summary: null };
    }
  }

  const owner = lockOwner(config.actor);
  const useLock = flags.all && flags.lock && !flags.dryRun;
  if (useLock && (await takeLock(db.locks, owner, lockTtl, factory, output)) === 'held') {
    if (output.json) output.emitJson({ summary: null, results: [], dryRun: false, locked: true });
    return { exitCode: ExitCode.ok, summary: null };
  }
  const renew = useLock
    ? setInterval(() => {
        db.locks.renew(LOCK_NAME, owner, lockTtl, factory.clock.now()).catch(() => undefined);
      }, lockTtl / 5)
    : null;
  renew?.unref();

  const json = output.json ? jsonStream(output) : null;
  json?.field('dryRun', Boolean(flags.dryRun));
  json?.beginArray('results');
  const progress = output.progress(total ?? uniqueIds.length, flags.dryRun ? 'planning' : 'retrying');
  let unresolvedLeft = 0;
  const seen = new Set<string>();
  // What was done before a failure (e.g. MongoDB lost mid-run) stops the run.
  const sofar = emptySummary();

  try {
    const records = flags.all ? db.repository.stream(query, { order: 'oldest', signal: factory.signal }) : fromIds(db.repository, uniqueIds);
    const run = await bulkRetry({
      records,
      gateway,
      repository: db.repository,
      clock: factory.clock,
      actor: config.actor,
      dryRun: Boolean(flags.dryRun),
      concurrency: flags.concurrency ?? defaultConcurrency(rate),
      signal: factory.signal,
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
      ...(flags.maxAttempts !== undefined ? { maxAttempts: flags.maxAttempts } : {}),
      onResult: (r) => {
        // Only named ids are checked for "not found": a --all run must not grow with the backlog.
        if (!flags.all) seen.add(r.record.id);
        countOutcome(sofar, r.outcome);
        const fine = flags.dryRun ? ['would-patch', 'already-correct'].includes(r.outcome) || r.resolved : r.resolved;
        if (!fine) unresolvedLeft++;
        progress.tick();
        if (json) json.item(resultJson(r));
        else if (flags.dryRun || !fine || !flags.all || !output.io.stdoutIsTTY) renderLine(output, r);
      },
    }).catch((err: unknown) => {
      // Keep --json one parseable document and say how far the run got; main reports the error itself.
      progress.done();
      json?.endArray();
      json?.field('summary', summaryJson(sofar));
      json?.field('error', describeError(err).message);
      json?.end();
      if (!output.json) renderSummary(output, sofar, Boolean(flags.dryRun));
      throw err;
    });
    progress.done();

    const notFound = run.interrupted || run.fatalError ? [] : uniqueIds.filter((id) => !seen.has(id));
    for (const id of notFound) {
      unresolvedLeft++;
      if (json) json.item({ id, paymentIntentId: null, outcome: 'failed-permanent', error: 'no record with this id' });
      else output.error(`no record with id ${id}`);
    }
    json?.endArray();
    json?.field('summary', summaryJson(run.summary));
    if (run.interrupted) json?.field('interrupted', true);

    if (run.fatalError) {
      const described = describeError(run.fatalError);
      json?.field('error', described.message);
      json?.end();
      output.error(described.message, described.hint);
      if (!output.json) renderSummary(output, run.summary, Boolean(flags.dryRun));
      return { exitCode: ExitCode.dependency, summary: run.summary };
    }
    json?.end();
    if (!output.json) renderSummary(output, run.summary, Boolean(flags.dryRun));
    if (run.interrupted) {
      output.status('interrupted: stopped taking records; records in flight were finished or left untouched');
      return { exitCode: ExitCode.interrupted, summary: run.summary };
    }
    if (run.summary.targeted === 0 && notFound.length === 0) output.status('nothing to retry');
    return { exitCode: unresolvedLeft > 0 ? ExitCode.recordsFailed : ExitCode.ok, summary: run.summary };
  } finally {
    if (renew) clearInterval(renew);
    if (useLock) await db.locks.release(LOCK_NAME, owner).catch(() => undefined);
  }
}
