/** What the demo says and runs, in order. */
import { ExitCode } from '../../errors.js';
import type { SandboxEnv } from '../../sandbox/sandbox.js';
import type { SeedKind, SeedRecord } from '../../sandbox/seed.js';
import type { Narrator } from './narrator.js';
import { webhookStep } from './webhook-step.js';

export interface Incident {
  sandbox: SandboxEnv;
  records: SeedRecord[];
  now: Date;
  /** The record id MongoDB gave a seeded PaymentIntent's dead letter. */
  recordId(paymentIntentId: string): Promise<string>;
}

const OK = { codes: [ExitCode.ok] } as const;

function first(records: SeedRecord[], kind: SeedKind): SeedRecord {
  const found = records.find((r) => r.kind === kind);
  if (!found) throw new Error(`the demo incident has no ${kind} record`);
  return found;
}

export async function walkThrough(narrator: Narrator, incident: Incident): Promise<void> {
  const refunded = first(incident.records, 'refunded');
  const missing = first(incident.records, 'missing');
  const remaining = { conflict: 0, missing: 0 };
  for (const r of incident.records) if (r.kind === 'conflict' || r.kind === 'missing') remaining[r.kind]++;
  const leftForAHuman = `${remaining.conflict} conflicting sessions and ${remaining.missing} deleted PaymentIntents need a human`;

  await narrator.heading('What is dead-lettered?');
  narrator.explain('Start where the alert points: the unresolved records, newest first.');
  await narrator.run(['list', '--unresolved'], OK);

  await narrator.heading('A closer look at one record');
  narrator.explain(
    `${refunded.paymentIntentId} was refunded while its metadata was missing. \`show\` reads the PaymentIntent in Stripe,`,
    'compares its metadata with what it should carry, and names the refund to replay once it is fixed.',
  );
  await narrator.run(['show', refunded.paymentIntentId], OK);

  await narrator.heading('What would fixing everything do?');
  narrator.explain('A dry run plans every record against Stripe and writes nothing, neither to Stripe nor to MongoDB.');
  await narrator.run(['retry', '--all', '--dry-run'], { codes: [ExitCode.ok, ExitCode.recordsFailed], why: `expected: ${leftForAHuman}` });

  await narrator.heading('Fix everything that can be fixed');
  narrator.explain(
    'Each PaymentIntent gets only the keys it lacks, with an idempotency key, under a rate limit; each record is',
    'resolved as soon as Stripe confirms. A PaymentIntent that carries another session is never overwritten.',
  );
  await narrator.run(['retry', '--all'], { codes: [ExitCode.ok, ExitCode.recordsFailed], why: `expected: ${leftForAHuman}` });

  await narrator.heading('Where do we stand?');
  await narrator.run(['stats'], OK);

  await narrator.heading('What is left for a human');
  narrator.explain(
    'A conflict: the PaymentIntent already carries another Checkout Session; check in the Dashboard which one paid.',
    'A missing PaymentIntent: there is nothing to patch; confirm with the customer or support, then resolve it with a note.',
  );
  await narrator.run(['list', '--unresolved'], OK);

  await narrator.heading('Resolving by hand');
  narrator.explain(
    'On a terminal, `resolve` without arguments walks through the unresolved records: pick one, see its PaymentIntent',
    'and plan, then retry it, resolve it with a note, or skip it:',
  );
  narrator.show(['resolve']);
  narrator.explain(
    `In a script, name the record. ${missing.paymentIntentId} no longer exists in Stripe, so --force is needed;`,
    '--yes skips the confirmation, and the note stays on the record and in its history:',
  );
  await narrator.run(['resolve', await incident.recordId(missing.paymentIntentId), '--force', '--yes', '--note', 'PaymentIntent deleted in Stripe; nothing to patch'], OK);

  await narrator.heading('New payments: the webhook');
  narrator.explain(
    '`webhook` receives checkout.session.completed from Stripe and patches each PaymentIntent as it is paid; what it',
    'cannot fix becomes a dead letter like the ones above. Locally, `stripe listen --forward-to localhost:4242/webhook`',
    'prints the signing secret to use. Here the demo signs a test event itself.',
  );
  await webhookStep(narrator, incident.sandbox, incident.now);
}
