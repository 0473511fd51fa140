import { describe, expect, it } from 'vitest';
import { formArray, parseForm } from './form.js';
import { StripeFailure } from './stripe-errors.js';

describe('parseForm', () => {
  it('nests bracket keys and decodes values', () => {
    const form = parseForm('metadata[stripeSessionId]=cs_1&metadata[note]=a+b%26c&expand[0]=latest_charge&expand[1]=customer');
    expect(form).toEqual({ metadata: { stripeSessionId: 'cs_1', note: 'a b&c' }, expand: { 0: 'latest_charge', 1: 'customer' } });
    expect(formArray(form.expand, 'expand')).toEqual(['latest_charge', 'customer']);
  });

  it('accepts percent-encoded brackets and appends for empty brackets', () => {
    expect(parseForm('metadata%5Ba%5D=1&expand[]=x&expand[]=y')).toEqual({ metadata: { a: '1' }, expand: { 0: 'x', 1: 'y' } });
  });

  it('keeps a nested bracket inside one key so it can be rejected later', () => {
    expect(parseForm('metadata[a[b]]=x')).toEqual({ metadata: { 'a[b]': 'x' } });
  });

  it('keeps an empty value for the whole map (metadata=)', () => {
    expect(parseForm('metadata=')).toEqual({ metadata: '' });
  });

  it('orders array items by index, not arrival', () => {
    expect(formArray(parseForm('expand[10]=c&expand[2]=b&expand[0]=a').expand, 'expand')).toEqual(['a', 'b', 'c']);
  });

  it('does not let keys reach Object.prototype', () => {
    const form = parseForm('__proto__[polluted]=1&metadata[__proto__]=x');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(form.metadata as object)).toEqual(['__proto__']);
  });

  it.each(['metadata[a=1', 'metadata[a]b=1', 'metadata=1&metadata[a]=2', 'metadata[a]=1&metadata=2'])('rejects %s', (encoded) => {
    expect(() => parseForm(encoded)).toThrow(StripeFailure);
  });

  it('rejects a scalar where an array is expected', () => {
    expect(() => formArray('latest_charge', 'expand')).toThrow(/Invalid array/);
  });
});
