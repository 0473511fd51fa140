import { describe, expect, it } from 'vitest';
import { describeError, ExitCode, PUBLIC_SANDBOX_KEY, redactSecrets, UsageError } from './errors.js';

// Fake secrets, assembled so that no secret-shaped literal sits in the source.
const liveKey = ['sk', 'live', 'FAKEFAKEFAKEFAKE0000'].join('_');
const webhookSecret = ['whsec', 'FAKEFAKEFAKEFAKEFAKEFAKE0000'].join('_');

describe('redactSecrets', () => {
  it.each([
    [`key ${liveKey} in text`, liveKey],
    ['rk_test_abcdefgh12345678', 'rk_test_abcdefgh12345678'],
    [`secret=${webhookSecret}`, webhookSecret],
    ['connect mongodb://admin:hunter2secret@db:27017/billing failed', 'hunter2secret'],
    ['mongodb+srv://user:p%40ss@cluster.example.net/x', 'p%40ss'],
  ])('removes the secret from %j', (text, secret) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it('keeps ordinary ids and the public sandbox key', () => {
    expect(redactSecrets('pi_3PqXyz cs_test_a1 req_123 mongodb://127.0.0.1:27017/x')).toBe('pi_3PqXyz cs_test_a1 req_123 mongodb://127.0.0.1:27017/x');
    expect(redactSecrets(`export STRIPE_SECRET_KEY=${PUBLIC_SANDBOX_KEY}`)).toContain(PUBLIC_SANDBOX_KEY);
  });
});

describe('describeError', () => {
  it('maps error kinds to exit codes with one redacted line', () => {
    expect(describeError(new UsageError(`bad ${liveKey}`))).toEqual({ exitCode: ExitCode.usage, message: 'bad sk_live_[redacted]' });
    const mongo = Object.assign(new Error('connect ECONNREFUSED mongodb://u:pw12345@h/x\nstack'), { name: 'MongoServerSelectionError' });
    const described = describeError(mongo);
    expect(described.exitCode).toBe(ExitCode.dependency);
    expect(described.message).not.toContain('pw12345');
    expect(described.message).not.toContain('\n');
    expect(describeError({ type: 'StripeAuthenticationError', message: 'Invalid API Key provided: sk_live_****1234' }).exitCode).toBe(ExitCode.dependency);
    expect(describeError(Object.assign(new Error('x'), { name: 'ExitPromptError' })).exitCode).toBe(ExitCode.interrupted);
    expect(describeError(new TypeError('boom')).exitCode).toBe(ExitCode.recordsFailed);
  });
});
