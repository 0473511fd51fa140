/**
 * `resolve` with no ref, for a person at a terminal: pick an unresolved
 * record, see it as `show` shows it, then retry it (the same code as
 * `retry`), resolve it by hand (the same checks as `resolve <ref>`), or skip
 * it — until nothing is left or the operator quits.
 */
import { retryRecord } from '../../core/bulk-retry.js';
import type { DeadLetterRepository, StripeGateway } from '../../core/ports.js';
import { parseRef, type DeadLetter } from '../../core/record.js';
import { ExitCode } from '../../errors.js';
import type { Factory } from '../../factory.js';
import { relativeAge, truncate } from '../../io/format.js';
import type { Choice } from '../../io/prompter.js';
import { lastErrorText } from '../shared/record-json.js';
import { stripeView, type StripeView } from '../shared/stripe-view.js';
import { renderRecord } from '../show/render.js';
import { alreadyResolvedText, markManual, NOTE_MAX, refusalFor, warnUnreplayedRefunds } from './check.js';

/** Choices shown at once: more would not fit a screen; typing narrows them. */
export const PICK_LIMIT = 50;
/** Partial text is matched against this many of the oldest unresolved records. */
const SCAN_LIMIT = 500;

type Pick = string | null;
type Action = 'retry' | 'resolve' | 'skip' | 'quit';

async function exactMatches(repository: DeadLetterRepository, term: string): Promise<DeadLetter[]> {
  const ref = parseRef(term);
  if (!ref) return [];
  if (ref.kind === 'id') {
    const record = await repository.getById(ref.value);
    return record && !record.resolved ? [record] : [];
  }
  const filter = ref.kind === 'paymentIntent' ? { paymentIntentId: ref.value } : { stripeSessionId: ref.value };
  return (await repository.findPage({ state: 'unresolved', ...filter }, { limit: PICK_LIMIT, order: 'oldest' })).items;
}

/** The search source: unresolved records whose id, PaymentIntent or session contains the term, then "quit". */
export async function pickChoices(repository: DeadLetterRepository, term: string | undefined, skipped: ReadonlySet<string>, now: Date): Promise<Array<Choice<Pick>>> {
  const needle = (term ?? '').trim().toLowerCase();
  const found = new Map<string, DeadLetter>();
  // A complete id finds records beyond the scanned window.
  for (const r of needle ? await exactMatches(repository, needle) : []) found.set(r.id, r);
  const scan = await repository.findPage({ state: 'unresolved' }, { limit: SCAN_LIMIT, order: 'oldest' });
  for (const r of scan.items) {
    if (!needle || [r.id, r.paymentIntentId, r.stripeSessionId].some((v) => v.toLowerCase().includes(needle))) found.set(r.id, r);
  }
  const records = [...found.values()].filter((r) => !skipped.has(r.id)).slice(0, PICK_LIMIT);
  return [
    ...records.map((r) => ({
      name: `${r.id}  ${r.paymentIntentId}  ${r.stripeSessionId}  ${relativeAge(r.failedAt, now)}`,
      value: r.id,
      description: truncate(lastErrorText(r), 120),
    })),
    { name: 'quit', value: null },
  ];
}

export async function interactiveResolve(factory: Factory, defaultNote: string | null): Promise<number> {
  const output = factory.output();
  const prompter = factory.prompter();
  const { repository } = await factory.database();
  const gateway = factory.hasStripe() ? await factory.stripe() : null;
  const skipped = new Set<string>();
  let resolvedCount = 0;

  for (;;) {
    const offered = await pickChoices(repository, undefined, skipped, factory.clock.now());
    if (offered.length <= 1) {
      output.status(skipped.size > 0 ? `no other unresolved records (${skipped.size} skipped)` : 'no unresolved records left');
      break;
    }
    const id = await prompter.search('Pick an unresolved record (type part of its id, PaymentIntent or session)', (term) =>
      pickChoices(repository, term, skipped, factory.clock.now()),
    );
    if (id === null) break;
    const record = await repository.getById(id);
    if (!record || record.resolved) {
      output.status(record ? alreadyResolvedText(record) : `record ${id} is gone`);
      continue;
    }

    const view = gateway ? await stripeView(record, gateway, factory.signal) : null;
    renderRecord(output, record, view, factory.clock.now(), 'not checked: no Stripe key configured');
    output.line();
    const actions: Array<Choice<Action>> = [
      ...(gateway ? [{ name: 'retry the patch now', value: 'retry' as const }] : []),
      { name: 'mark resolved (fixed by hand)', value: 'resolve' },
      { name: 'skip', value: 'skip' },
      { name: 'quit', value: 'quit' },
    ];
    const action = await prompter.select(`${record.id}: what now?`, actions);
    if (action === 'quit') break;
    if (action === 'skip') skipped.add(record.id);
    else if (action === 'retry' && gateway) resolvedCount += (await retryNow(factory, repository, gateway, record, view)) ? 1 : 0;
    else if (action === 'resolve') resolvedCount += (await resolveByHand(factory, repository, gateway, record, defaultNote)) ? 1 : 0;
  }

  output.status(`${resolvedCount} record${resolvedCount === 1 ? '' : 's'} resolved in this session`);
  return ExitCode.ok;
}

async function retryNow(factory: Factory, repository: DeadLetterRepository, gateway: StripeGateway, record: DeadLetter, view: StripeView | null): Promise<boolean> {
  const output = factory.output();
  const t = output.theme;
  const result = await retryRecord(record, {
    gateway,
    repository,
    clock: factory.clock,
    actor: factory.config().actor,
    dryRun: false,
    signal: factory.signal,
  });
  if (!result.resolved || result.outcome === 'skipped') {
    output.line(t.red(`${result.outcome}: ${result.reason ?? result.error?.message ?? 'not fixed'}`));
    return false;
  }
  output.line(t.green(`${result.outcome}: ${record.id} is resolved`));
  warnUnreplayedRefunds(output, record, view, true);
  return true;
}

async function resolveByHand(
  factory: Factory,
  repository: DeadLetterRepository,
  gateway: StripeGateway | null,
  record: DeadLetter,
  defaultNote: string | null,
): Promise<boolean> {
  const output = factory.output();
  const prompter = factory.prompter();
  const note = (await prompter.input('Note: how was it fixed? (kept on the record)', defaultNote ?? undefined)).trim();
  if (note.length > NOTE_MAX) {
    output.error(`the note is longer than ${NOTE_MAX} characters; not resolved`);
    return false;
  }
  if (!(await prompter.confirm(`Mark ${record.id} (${record.paymentIntentId}) resolved by hand?`, true))) return false;

  // Checked again: the operator may have just fixed it in the Dashboard.
  const view = gateway ? await stripeView(record, gateway, factory.signal) : null;
  if (!view) output.warn('not verified: no Stripe key configured');
  const refusal = view ? refusalFor(record, view) : null;
  if (refusal) {
    output.error(refusal.reason);
    if (!(await prompter.confirm('Resolve it anyway (--force)?', false))) return false;
  }
  const won = await markManual(repository, record, { at: factory.clock.now(), actor: factory.config().actor, note: note || null });
  if (!won) {
    output.status(alreadyResolvedText((await repository.getById(record.id)) ?? record));
    return false;
  }
  output.line(output.theme.green(`resolved ${record.id} (manual)`));
  warnUnreplayedRefunds(output, record, view);
  return true;
}
