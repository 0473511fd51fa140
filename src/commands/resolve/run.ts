import type { DeadLetter } from '../../core/record.js';
import { ExitCode, UsageError } from '../../errors.js';
import type { Factory } from '../../factory.js';
import type { Output } from '../../io/output.js';
import { canPrompt } from '../../io/streams.js';
import { isDependencyFailure, stripeViews } from '../shared/stripe-view.js';
import { findRecords, noMatch } from '../show/ref.js';
import type { ResolveFlags } from './command.js';
import { alreadyResolvedText, markManual, NOTE_MAX, refusalFor, warnUnreplayedRefunds, type Refusal } from './check.js';

export interface ResolvedEntry {
  id: string;
  resolvedAt: string;
  resolvedBy: string;
  resolution: 'manual';
}

export interface RefusedEntry {
  id: string;
  reason: string;
}

export interface ResolveResult {
  exitCode: number;
  resolved: ResolvedEntry[];
  refused: RefusedEntry[];
}

function cleanNote(note: string | undefined): string | null {
  const trimmed = note?.trim() ?? '';
  if (trimmed.length > NOTE_MAX) throw new UsageError(`--note is longer than ${NOTE_MAX} characters`);
  return trimmed || null;
}

export async function resolveRun(factory: Factory, ref: string | undefined, flags: ResolveFlags): Promise<ResolveResult> {
  const note = cleanNote(flags.note);
  if (ref === undefined) {
    if (!canPrompt(factory.io)) throw new UsageError('resolve needs a record id or a terminal', 'give a record id, pi_… or cs_… (scripts: add --yes)');
    if (factory.output().json) throw new UsageError('resolve --json needs a record id: the interactive mode has no JSON output');
    const { interactiveResolve } = await import('./interactive.js');
    return { exitCode: await interactiveResolve(factory, note), resolved: [], refused: [] };
  }
  return resolveRef(factory, ref, flags, note);
}

async function resolveRef(factory: Factory, ref: string, flags: ResolveFlags, note: string | null): Promise<ResolveResult> {
  const output = factory.output();
  const { actor } = factory.config();
  const { repository } = await factory.database();
  const records = await findRecords(repository, ref);
  if (records.length === 0) {
    if (output.json) output.emitJson({ resolved: [], refused: [] });
    throw noMatch(ref);
  }

  const resolved: ResolvedEntry[] = [];
  const refused: RefusedEntry[] = [];
  let unreachable = false;
  const refuse = (record: DeadLetter, refusal: Refusal) => {
    refused.push({ id: record.id, reason: refusal.reason });
    output.error(refusal.reason, refusal.hint);
  };

  const targets = records.filter((r) => !r.resolved);
  if (targets.length === 0) {
    for (const r of records) refuse(r, { reason: alreadyResolvedText(r), hint: 'see its history with `billing-backfill show`' });
  } else if (records.length > 1) {
    const already = records.length - targets.length;
    output.status(`${ref} matches ${records.length} records: resolving its ${targets.length} unresolved${already ? ` (${already} already resolved)` : ''}`);
  }

  const views = targets.length > 0 && factory.hasStripe() ? await stripeViews(targets, await factory.stripe(), factory.signal) : null;
  if (targets.length > 0 && !views) {
    output.warn(`not verified: no Stripe key configured, so nothing checked that the PaymentIntent carries the session id (${targets.map((t) => t.paymentIntentId).join(', ')})`);
  }

  let allowed: DeadLetter[] = [];
  for (const record of targets) {
    const view = views?.get(record.id);
    const refusal = view ? refusalFor(record, view) : null;
    if (!refusal) allowed.push(record);
    else if (flags.force) {
      output.warn(`--force: ${refusal.reason}`);
      allowed.push(record);
    } else {
      unreachable ||= isDependencyFailure(view);
      refuse(record, refusal);
    }
  }

  // Scripts pass their intent as flags; only a person at a terminal is asked.
  if (allowed.length > 0 && !flags.yes && !output.json && canPrompt(factory.io)) {
    const list = allowed.map((r) => `${r.id} (${r.paymentIntentId})`).join(', ');
    if (!(await factory.prompter().confirm(`Mark resolved by hand: ${list}?`, false))) {
      output.status('cancelled; nothing was written');
      allowed = [];
    }
  }

  for (const record of allowed) {
    const at = factory.clock.now();
    if (await markManual(repository, record, { at, actor, note })) {
      resolved.push({ id: record.id, resolvedAt: at.toISOString(), resolvedBy: actor, resolution: 'manual' });
      warnUnreplayedRefunds(output, record, views?.get(record.id));
    } else {
      const current = (await repository.getById(record.id)) ?? record;
      refuse(record, { reason: `${alreadyResolvedText(current)} (meanwhile)`, hint: 'nothing to do' });
    }
  }

  if (output.json) output.emitJson({ resolved, refused });
  else renderResolved(output, resolved);
  const exitCode = unreachable ? ExitCode.dependency : refused.length > 0 ? ExitCode.recordsFailed : ExitCode.ok;
  return { exitCode, resolved, refused };
}

function renderResolved(output: Output, resolved: ResolvedEntry[]): void {
  for (const r of resolved) {
    if (output.io.stdoutIsTTY) output.line(`${output.theme.green('resolved')} ${r.id} by ${r.resolvedBy} (manual)`);
    else output.line([r.id, r.resolvedAt, r.resolvedBy, r.resolution].join('\t'));
  }
}
