import type { BenchServer } from './server.js';

export interface BenchContext {
  server: BenchServer;
  quick: boolean;
  /** Progress on stderr; stdout carries only the table. */
  log(message: string): void;
}

/** The environment a spawned CLI needs to reach the bench's database and emulator. */
export function cliEnv(ctx: BenchContext, emulatorUrl: string): Record<string, string> {
  return { MONGODB_URI: ctx.server.uri, STRIPE_SECRET_KEY: 'sk_test_bench', STRIPE_API_BASE: emulatorUrl, BILLING_BACKFILL_ACTOR: 'bench' };
}
