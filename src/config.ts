/**
 * Global configuration: each flag has an environment variable; a flag wins.
 * Validation happens here so a bad key or URI is a usage error (exit 2)
 * before anything connects.
 */
import { hostname, userInfo } from 'node:os';
import { UsageError } from './errors.js';

export const DEFAULT_COLLECTION = 'billing_failed_backfills';

export interface GlobalFlags {
  mongoUri?: string;
  stripeKey?: string;
  stripeApiBase?: string;
  collection?: string;
  actor?: string;
  json?: boolean;
  color?: boolean;
}

export type StripeKeyMode = 'test' | 'live';

export interface StripeKeyInfo {
  key: string;
  mode: StripeKeyMode;
  restricted: boolean;
}

export interface Config {
  mongoUri: string | null;
  stripe: StripeKeyInfo | null;
  stripeApiBase: string | null;
  collection: string;
  actor: string;
  json: boolean;
  color: boolean;
}

const STRIPE_KEY = /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/;

export function parseStripeKey(key: string): StripeKeyInfo {
  const match = STRIPE_KEY.exec(key.trim());
  if (!match) {
    // Never echo the value: it may be a real secret with a typo.
    throw new UsageError('the Stripe key is malformed', 'expected sk_test_…, sk_live_…, rk_test_… or rk_live_… (--stripe-key / STRIPE_SECRET_KEY)');
  }
  return { key: key.trim(), mode: match[2] as StripeKeyMode, restricted: match[1] === 'rk' };
}

export function validateMongoUri(uri: string): string {
  const trimmed = uri.trim();
  if (!/^mongodb(\+srv)?:\/\/[^/\s]+/.test(trimmed)) {
    throw new UsageError('the MongoDB URI is malformed', 'expected mongodb://host:port/db or mongodb+srv://… (--mongo-uri / MONGODB_URI)');
  }
  return trimmed;
}

function defaultActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username || user;
  } catch {
    // no passwd entry (containers): keep 'unknown'
  }
  return `${user}@${hostname()}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value : undefined;
}

export function resolveConfig(flags: GlobalFlags, env: NodeJS.ProcessEnv, stdoutIsTTY: boolean): Config {
  const mongoUri = nonEmpty(flags.mongoUri) ?? nonEmpty(env.MONGODB_URI);
  const stripeKey = nonEmpty(flags.stripeKey) ?? nonEmpty(env.STRIPE_SECRET_KEY);
  const stripeApiBase = nonEmpty(flags.stripeApiBase) ?? nonEmpty(env.STRIPE_API_BASE);
  const collection = nonEmpty(flags.collection) ?? DEFAULT_COLLECTION;
  if (!/^[A-Za-z0-9_.-]{1,120}$/.test(collection) || collection.startsWith('system.')) {
    throw new UsageError(`invalid --collection name: ${collection}`);
  }
  const actor = (nonEmpty(flags.actor) ?? nonEmpty(env.BILLING_BACKFILL_ACTOR) ?? defaultActor()).trim();
  if (actor.length > 200) throw new UsageError('--actor is longer than 200 characters');
  const noColorEnv = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return {
    mongoUri: mongoUri ? validateMongoUri(mongoUri) : null,
    stripe: stripeKey ? parseStripeKey(stripeKey) : null,
    stripeApiBase: stripeApiBase ?? null,
    collection,
    actor,
    json: Boolean(flags.json),
    color: flags.color !== false && !noColorEnv && stdoutIsTTY && !flags.json,
  };
}
