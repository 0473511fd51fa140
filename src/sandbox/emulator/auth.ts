import { StripeFailure } from './stripe-errors.js';

const TEST_KEY = /^(sk|rk)_test_\S+$/;
const LIVE_KEY = /^(sk|rk)_live_/;

/** Returns the 401 to answer, or undefined when the request carries a test-mode key. */
export function authenticate(authorization: string | undefined): StripeFailure | undefined {
  const key = apiKey(authorization);
  if (key === undefined || key === '') {
    return unauthenticated(
      "You did not provide an API key. Provide your test secret key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer sk_test_...').",
    );
  }
  if (TEST_KEY.test(key)) return undefined;
  if (LIVE_KEY.test(key)) {
    return unauthenticated(
      'The Stripe emulator only holds test-mode data and refuses live-mode keys (sk_live_…, rk_live_…). Use a sk_test_… or rk_test_… key.',
    );
  }
  return unauthenticated(`Invalid API Key provided: ${redact(key)}`);
}

/** Bearer as the SDK sends it, or Basic with the key as user name as curl -u sends it. */
function apiKey(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const [scheme = '', credentials = ''] = authorization.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer') return credentials;
  if (scheme.toLowerCase() === 'basic') return Buffer.from(credentials, 'base64').toString('utf8').split(':')[0];
  return undefined;
}

function unauthenticated(message: string): StripeFailure {
  return new StripeFailure(401, 'authentication_error', message);
}

// Like Stripe, never echo a whole secret back.
function redact(key: string): string {
  if (key.length <= 12) return '*'.repeat(key.length);
  return `${key.slice(0, 8)}${'*'.repeat(Math.min(key.length - 12, 20))}${key.slice(-4)}`;
}
