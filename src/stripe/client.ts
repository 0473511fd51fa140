/**
 * The only place that constructs the stripe SDK. Its own network retries are
 * off: our retry policy (core/retry.ts) is the only one, so attempts never
 * multiply.
 */
import Stripe from 'stripe';
import { UsageError } from '../errors.js';

/** Pinned so responses keep the shape this tool was written against. */
export const STRIPE_API_VERSION = '2026-11-18.endive' as const;

export interface StripeClientConfig {
  secretKey: string;
  /** e.g. http://127.0.0.1:12111; undefined means Stripe itself. */
  apiBase?: string;
  timeoutMs?: number;
}

export function parseApiBase(apiBase: string): { host: string; port: number; protocol: 'http' | 'https' } {
  let url: URL;
  try {
    url = new URL(apiBase);
  } catch {
    throw new UsageError(`--stripe-api-base is not a URL: ${apiBase}`, 'e.g. http://127.0.0.1:12111');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--stripe-api-base must be http:// or https://, got ${url.protocol}`);
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}

export function createStripeClient(config: StripeClientConfig): Stripe {
  return new Stripe(config.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: 0,
    timeout: config.timeoutMs ?? 20_000,
    telemetry: false,
    ...(config.apiBase ? parseApiBase(config.apiBase) : {}),
  });
}

export type { Stripe };
