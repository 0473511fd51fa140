import { emptyMap, type FormValue } from './form.js';
import { invalidRequest } from './stripe-errors.js';

// Stripe's documented metadata limits: a request breaking them is rejected as a whole.
const MAX_KEYS = 50;
const MAX_KEY_LENGTH = 40;
const MAX_VALUE_LENGTH = 500;

export type Metadata = Record<string, string>;

/**
 * Applies a `metadata` update the way Stripe does: keys merge into the stored map, an empty value
 * deletes its key, and `metadata=` (an empty string for the whole map) clears every key.
 */
export function mergeMetadata(current: Metadata, update: FormValue): Metadata {
  if (typeof update === 'string') {
    if (update === '') return emptyMap() as Metadata;
    throw invalidRequest('Invalid hash: metadata must be a hash of keys to strings, or "" to clear it', 'metadata');
  }
  const next = Object.assign(emptyMap(), current) as Metadata;
  for (const [key, value] of Object.entries(update)) {
    const param = `metadata[${key}]`;
    if (typeof value !== 'string') throw invalidRequest(`Invalid string: metadata values must be strings (${param})`, param);
    if (key === '' || key.length > MAX_KEY_LENGTH || key.includes('[') || key.includes(']')) {
      throw invalidRequest(
        `Invalid metadata key "${key}": keys must be 1 to ${MAX_KEY_LENGTH} characters and must not contain '[' or ']'`,
        param,
      );
    }
    if (value.length > MAX_VALUE_LENGTH) {
      throw invalidRequest(`Invalid metadata value for "${key}": values can be at most ${MAX_VALUE_LENGTH} characters`, param);
    }
    if (value === '') delete next[key];
    else next[key] = value;
  }
  if (Object.keys(next).length > MAX_KEYS) {
    throw invalidRequest(`Invalid metadata: an object can have at most ${MAX_KEYS} metadata keys`, 'metadata');
  }
  return next;
}
