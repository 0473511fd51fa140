import { invalidRequest } from './stripe-errors.js';

// `expand[]=latest_charge` replaces an id with the object it names; dotted paths walk further
// (`latest_charge.payment_intent`) and lists expand per item (`data.charge`).

type JsonObject = Record<string, unknown>;
type Lookup = (id: string) => JsonObject | undefined;

// An id-shaped string that is not stored stays as it is (the reference is simply unknown here);
// any other value cannot be expanded, as on Stripe.
const ID_PATTERN = /^[a-z]+_[A-Za-z0-9_]+$/;

export function expand<T extends JsonObject>(object: T, paths: readonly string[], lookup: Lookup): T {
  return paths.reduce((current, path) => expandPath(current, path.split('.'), lookup, path), object);
}

function expandPath<T extends JsonObject>(object: T, segments: string[], lookup: Lookup, path: string): T {
  const [field, ...rest] = segments as [string, ...string[]];
  const value = object[field];
  let expanded: unknown;
  if (Array.isArray(value) && rest.length > 0) {
    expanded = value.map((item: unknown) => (isObject(item) ? expandPath(item, rest, lookup, path) : item));
  } else if (typeof value === 'string' && ID_PATTERN.test(value)) {
    const found = lookup(value);
    if (found === undefined) return object;
    expanded = rest.length > 0 ? expandPath(found, rest, lookup, path) : found;
  } else if (isObject(value)) {
    expanded = rest.length > 0 ? expandPath(value, rest, lookup, path) : value;
  } else if (value === null) {
    return object;
  } else {
    throw invalidRequest(`This property cannot be expanded (${path}).`, 'expand');
  }
  return { ...object, [field]: expanded };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
