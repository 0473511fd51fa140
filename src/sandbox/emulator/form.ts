import { invalidRequest } from './stripe-errors.js';

// The stripe SDK encodes nested parameters as bracket keys (`metadata[stripeSessionId]=cs_1`,
// `expand[0]=latest_charge`). Maps are created without a prototype so that a key such as
// `__proto__` is stored as data instead of reaching Object.prototype.

export type FormValue = string | FormMap;
export interface FormMap {
  [key: string]: FormValue;
}

export function emptyMap(): FormMap {
  return Object.create(null) as FormMap;
}

export function parseForm(encoded: string): FormMap {
  const root = emptyMap();
  for (const [key, value] of new URLSearchParams(encoded)) {
    assign(root, splitKey(key), value, key);
  }
  return root;
}

/** Reads an array parameter, which the SDK sends as `name[0]=a&name[1]=b` (or `name[]=a`). */
export function formArray(value: FormValue | undefined, param: string): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') throw invalidRequest(`Invalid array: ${param} must be an array`, param);
  return Object.entries(value)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([index, item]) => {
      if (typeof item !== 'string') throw invalidRequest(`Invalid string: ${param}[${index}]`, `${param}[${index}]`);
      return item;
    });
}

/**
 * Splits `a[b][c]` into ['a', 'b', 'c']. Brackets nest, so `metadata[x[y]]` yields the segment `x[y]`
 * and the metadata validator can reject that key as Stripe does instead of silently nesting it.
 */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const segments = [key.slice(0, open)];
  let i = open;
  while (i < key.length) {
    if (key[i] !== '[') throw invalidRequest(`Invalid parameter name: ${key}`, key);
    let depth = 0;
    let j = i;
    for (; j < key.length; j++) {
      if (key[j] === '[') depth++;
      else if (key[j] === ']' && --depth === 0) break;
    }
    if (j === key.length) throw invalidRequest(`Invalid parameter name (unbalanced brackets): ${key}`, key);
    segments.push(key.slice(i + 1, j));
    i = j + 1;
  }
  return segments;
}

function assign(root: FormMap, segments: string[], value: string, key: string): void {
  let node = root;
  for (let k = 0; k < segments.length - 1; k++) {
    const segment = segments[k] as string;
    if (segment === '' && k > 0) throw invalidRequest(`Invalid parameter name: ${key}`, key);
    const child = node[segment];
    if (typeof child === 'string') throw invalidRequest(`Invalid parameter: ${key} mixes a value and a hash`, key);
    node = child ?? (node[segment] = emptyMap());
  }
  const last = segments[segments.length - 1] as string;
  const target = last === '' && segments.length > 1 ? String(Object.keys(node).length) : last;
  if (typeof node[target] === 'object') throw invalidRequest(`Invalid parameter: ${key} mixes a value and a hash`, key);
  node[target] = value;
}
