/** The webhook signing secret's shape. Its value is never printed, not even in part. */
import { check, type Check } from './checks.js';

const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/=_]+$/;

export function webhookSecretCheck(secret: string, source: string): Check {
  const name = 'webhook secret';
  if (WEBHOOK_SECRET.test(secret)) return check('ok', name, `well-formed (from ${source})`);
  if (WEBHOOK_SECRET.test(secret.trim())) return check('fail', name, `has leading or trailing whitespace (from ${source})`);
  return check('fail', name, `malformed (from ${source}): expected whsec_ followed by letters, digits, +, /, = or _`);
}
