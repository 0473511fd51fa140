/** The Stripe key: its mode, and whether Stripe accepts it for reading PaymentIntents. */
import type { StripeKeyInfo } from '../../config.js';
import type { StripeGateway } from '../../core/ports.js';
import { describeError, ExitCode } from '../../errors.js';
import { check, type Check } from './checks.js';

/** An id that cannot exist: Stripe answering "no such PaymentIntent" proves it accepted the key. */
export const PROBE_PAYMENT_INTENT = 'pi_billing_backfill_doctor_probe';

function isResourceMissing(err: unknown): boolean {
  const e = (err && typeof err === 'object' ? err : {}) as { type?: unknown; code?: unknown; statusCode?: unknown };
  return e.type === 'StripeInvalidRequestError' && (e.code === 'resource_missing' || e.statusCode === 404);
}

function keyKind(key: StripeKeyInfo): string {
  return `${key.mode} mode ${key.restricted ? 'restricted' : 'secret'} key`;
}

export async function stripeChecks(key: StripeKeyInfo | null, gateway: () => Promise<StripeGateway>, signal: AbortSignal): Promise<Check[]> {
  if (!key) return [check('warn', 'stripe key', 'no Stripe key: retry/show cannot reach Stripe (--stripe-key / STRIPE_SECRET_KEY)')];
  const checks = [check('ok', 'stripe key', keyKind(key))];
  try {
    await (await gateway()).retrievePaymentIntent(PROBE_PAYMENT_INTENT, { signal });
  } catch (err) {
    if (!isResourceMissing(err)) {
      // Refused keys and an unreachable Stripe are failures; anything else leaves the key unproven.
      const { exitCode, message } = describeError(err);
      return [...checks, check(exitCode === ExitCode.dependency || exitCode === ExitCode.usage ? 'fail' : 'warn', 'stripe access', message)];
    }
  }
  checks.push(check('ok', 'stripe access', 'key accepted: can read PaymentIntents'));
  return checks;
}
