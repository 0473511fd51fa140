import type { Factory } from '../../factory.js';
import type { Output } from '../../io/output.js';
import { exitCodeOf, type Check } from './checks.js';
import type { DoctorFlags } from './command.js';
import { databaseChecks, type DatabaseReport } from './database-checks.js';
import { stripeChecks } from './stripe-checks.js';
import { webhookSecretCheck } from './webhook-secret.js';

export interface DoctorResult {
  checks: Check[];
  server: DatabaseReport['server'];
  exitCode: number;
}

function webhookSecret(flags: DoctorFlags, env: NodeJS.ProcessEnv): Check[] {
  if (flags.webhookSecret !== undefined) return [webhookSecretCheck(flags.webhookSecret, '--webhook-secret')];
  const fromEnv = env.STRIPE_WEBHOOK_SECRET;
  return fromEnv ? [webhookSecretCheck(fromEnv, 'STRIPE_WEBHOOK_SECRET')] : [];
}

function render(output: Output, checks: Check[]): void {
  const t = output.theme;
  const paint = { ok: t.green, warn: t.yellow, fail: t.red };
  output.table(
    ['status', 'check', 'detail'],
    checks.map((c) => [paint[c.status](c.status), c.name, c.detail]),
    { colWidths: [8, 26, 90] },
  );
  const warnings = checks.filter((c) => c.status === 'warn').length;
  const failures = checks.filter((c) => c.status === 'fail').length;
  output.status(warnings + failures === 0 ? 'all checks passed' : `${failures} failed, ${warnings} warning${warnings === 1 ? '' : 's'}`);
}

export async function doctorRun(factory: Factory, flags: DoctorFlags): Promise<DoctorResult> {
  const config = factory.config();
  const output = factory.output();
  const [database, stripe] = await Promise.all([
    databaseChecks(() => factory.database(), { createIndexes: Boolean(flags.createIndexes) }),
    stripeChecks(config.stripe, () => factory.stripe(), factory.signal),
  ]);
  const checks = [...database.checks, ...stripe, ...webhookSecret(flags, factory.env)];
  if (output.json) output.emitJson({ checks, server: database.server });
  else render(output, checks);
  return { checks, server: database.server, exitCode: exitCodeOf(checks) };
}
