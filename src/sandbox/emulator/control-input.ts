import type { EmulatorConfig, SeedObject, SeedObjects } from './contract.js';
import type { Fault } from './faults.js';

// Control-API payloads come from test and benchmark code; a typo there should fail loudly at the
// call rather than silently seed nothing or inject a fault that never matches.

export class ControlInputError extends Error {}

const SEED_KEYS = ['payment_intents', 'checkout_sessions', 'charges'] as const;
const CONFIG_KEYS = ['latencyMs', 'readsPerSecond', 'writesPerSecond'] as const;
const FAULT_KEYS = new Set(['method', 'path', 'status', 'times', 'body', 'headers', 'delayMs', 'dropConnection']);

export function parseSeeds(input: unknown): SeedObjects {
  const payload = requireObject(input, 'body');
  rejectUnknownKeys(payload, new Set(SEED_KEYS), 'body');
  const seeds: SeedObjects = {};
  for (const key of SEED_KEYS) {
    const list = payload[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new ControlInputError(`${key} must be an array`);
    list.forEach((item: unknown, index) => {
      const seed = requireObject(item, `${key}[${index}]`);
      if (typeof seed.id !== 'string' || seed.id === '') throw new ControlInputError(`${key}[${index}].id must be a non-empty string`);
      if (key === 'charges') checkRefundSeeds(seed.refunds, `${key}[${index}].refunds`);
    });
    seeds[key] = list as SeedObject[];
  }
  return seeds;
}

export function parseConfigPatch(input: unknown): Partial<EmulatorConfig> {
  const payload = requireObject(input, 'body');
  rejectUnknownKeys(payload, new Set(CONFIG_KEYS), 'body');
  const patch: Partial<EmulatorConfig> = {};
  if (payload.latencyMs !== undefined) patch.latencyMs = nonNegative(payload.latencyMs, 'latencyMs');
  if (payload.readsPerSecond !== undefined) patch.readsPerSecond = rateLimit(payload.readsPerSecond, 'readsPerSecond');
  if (payload.writesPerSecond !== undefined) patch.writesPerSecond = rateLimit(payload.writesPerSecond, 'writesPerSecond');
  return patch;
}

/** Normalises a rate limit: null, undefined and 0 all mean unlimited. */
export function rateLimit(value: unknown, name: string): number | null {
  if (value === null || value === undefined || value === 0) return null;
  if (!Number.isInteger(value) || (value as number) < 0) throw new ControlInputError(`${name} must be null or an integer >= 0`);
  return value as number;
}

export function nonNegative(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ControlInputError(`${name} must be a finite number >= 0`);
  return value;
}

export function parseFaults(input: unknown): Fault[] {
  if (!Array.isArray(input)) throw new ControlInputError('body must be a JSON array of faults');
  return input.map((item: unknown, index): Fault => {
    const name = `faults[${index}]`;
    const spec = requireObject(item, name);
    rejectUnknownKeys(spec, FAULT_KEYS, name);
    if (typeof spec.path !== 'string' || spec.path === '') throw new ControlInputError(`${name}.path must be a non-empty string`);
    if (spec.method !== undefined && typeof spec.method !== 'string') throw new ControlInputError(`${name}.method must be a string`);
    const status = spec.status;
    if (status !== undefined && (!Number.isInteger(status) || (status as number) < 200 || (status as number) > 599)) {
      throw new ControlInputError(`${name}.status must be an integer HTTP status between 200 and 599`);
    }
    return {
      method: spec.method?.toUpperCase(),
      path: spec.path,
      status: status as number | undefined,
      remaining: spec.times === -1 ? Infinity : Number.isInteger(spec.times) && (spec.times as number) > 0 ? (spec.times as number) : 1,
      body: spec.body,
      headers: headers(spec.headers, `${name}.headers`),
      delayMs: spec.delayMs === undefined ? 0 : nonNegative(spec.delayMs, `${name}.delayMs`),
      dropConnection: spec.dropConnection === true,
    };
  });
}

function headers(value: unknown, name: string): Record<string, string> {
  if (value === undefined) return {};
  const entries = Object.entries(requireObject(value, name));
  for (const [key, header] of entries) {
    if (typeof header !== 'string' && typeof header !== 'number') throw new ControlInputError(`${name}.${key} must be a string or number`);
  }
  return Object.fromEntries(entries.map(([key, header]) => [key, String(header)]));
}

function checkRefundSeeds(value: unknown, name: string): void {
  if (value === undefined || value === null) return;
  const list = Array.isArray(value) ? value : (value as { data?: unknown }).data;
  if (!Array.isArray(list)) throw new ControlInputError(`${name} must be an array or { data: [...] }`);
  list.forEach((refund: unknown, index) => {
    const entry = requireObject(refund, `${name}[${index}]`);
    if (entry.amount !== undefined && typeof entry.amount !== 'number') throw new ControlInputError(`${name}[${index}].amount must be a number`);
  });
}

function requireObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ControlInputError(`${name} must be a JSON object`);
  return value as Record<string, unknown>;
}

function rejectUnknownKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>, name: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.has(key));
  if (unknown.length > 0) throw new ControlInputError(`${name} has unknown field(s): ${unknown.join(', ')} (allowed: ${[...allowed].join(', ')})`);
}
