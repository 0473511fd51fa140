import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { errorDetails, isCredentialError, isRateLimitError, isTransientStripeError, retryAfterMs } from './stripe-errors.js';

const E = Stripe.errors;
const raw = (extra: Record<string, unknown> = {}) => ({ message: 'm', ...extra }) as never;

describe('Stripe error classification', () => {
  it.each([
    ['StripeConnectionError', new E.StripeConnectionError(raw()), true],
    ['StripeAPIError (5xx)', new E.StripeAPIError(raw({ statusCode: 500 })), true],
    ['StripeRateLimitError (429)', new E.StripeRateLimitError(raw({ statusCode: 429, code: 'rate_limit' })), true],
    ['lock_timeout', new E.StripeInvalidRequestError(raw({ statusCode: 400, code: 'lock_timeout' })), true],
    ['StripeInvalidRequestError', new E.StripeInvalidRequestError(raw({ statusCode: 400 })), false],
    ['resource_missing', new E.StripeInvalidRequestError(raw({ statusCode: 404, code: 'resource_missing' })), false],
    ['StripeIdempotencyError', new E.StripeIdempotencyError(raw({ statusCode: 400 })), false],
    ['StripeAuthenticationError', new E.StripeAuthenticationError(raw({ statusCode: 401 })), false],
    ['StripePermissionError', new E.StripePermissionError(raw({ statusCode: 403 })), false],
    ['StripeCardError', new E.StripeCardError(raw({ statusCode: 402 })), false],
    ['raw type invalid_request_error', Object.assign(new Error('x'), { rawType: 'invalid_request_error' }), false],
    ['a plain bug', new TypeError('undefined is not a function'), false],
    ['ECONNRESET outside the SDK', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
  ])('%s → transient=%s', (_name, err, transient) => {
    expect(isTransientStripeError(err)).toBe(transient);
  });

  it('lets the Stripe-Should-Retry header win both ways', () => {
    const apiError = new E.StripeAPIError(raw({ statusCode: 500, headers: { 'stripe-should-retry': 'false' } }));
    expect(isTransientStripeError(apiError)).toBe(false);
    const invalid = new E.StripeInvalidRequestError(raw({ statusCode: 400, headers: { 'Stripe-Should-Retry': 'true' } }));
    expect(isTransientStripeError(invalid)).toBe(true);
  });

  it('reads Retry-After in seconds or as an HTTP date', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    expect(retryAfterMs(new E.StripeRateLimitError(raw({ headers: { 'retry-after': '2' } })), now)).toBe(2000);
    expect(retryAfterMs(new E.StripeRateLimitError(raw({ headers: { 'retry-after': 'Tue, 01 Dec 2026 00:00:03 GMT' } })), now)).toBe(3000);
    expect(retryAfterMs(new E.StripeRateLimitError(raw()), now)).toBeNull();
  });

  it('keeps type, code, message, requestId and status', () => {
    const err = new E.StripeInvalidRequestError(
      raw({ statusCode: 404, code: 'resource_missing', message: "No such payment_intent: 'pi_x'", requestId: 'req_123' }),
    );
    expect(errorDetails(err)).toEqual({
      type: 'StripeInvalidRequestError',
      code: 'resource_missing',
      message: "No such payment_intent: 'pi_x'",
      requestId: 'req_123',
      status: 404,
    });
  });

  it('recognises credential errors', () => {
    expect(isCredentialError(new E.StripeAuthenticationError(raw()))).toBe(true);
    expect(isCredentialError(new E.StripePermissionError(raw()))).toBe(true);
    expect(isCredentialError(new E.StripeAPIError(raw()))).toBe(false);
  });
});

describe('isRateLimitError: the 429s that mean the account is over its request rate', () => {
  it.each([
    ['StripeRateLimitError rate_limit', new E.StripeRateLimitError(raw({ statusCode: 429, code: 'rate_limit' })), true],
    ['a bare 429', Object.assign(new Error('x'), { statusCode: 429 }), true],
    ['lock_timeout (one object contended, also a 429)', new E.StripeRateLimitError(raw({ statusCode: 429, code: 'lock_timeout' })), false],
    ['StripeAPIError (5xx)', new E.StripeAPIError(raw({ statusCode: 500 })), false],
    ['StripeConnectionError', new E.StripeConnectionError(raw()), false],
    ['not an error', 'rate_limit', false],
  ])('%s → %s', (_name, err, expected) => {
    expect(isRateLimitError(err)).toBe(expected);
  });
});
