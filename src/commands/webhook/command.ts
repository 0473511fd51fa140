import { Command } from 'commander';
import type { ProgramContext } from '../../program.js';
import { intInRange, pattern } from '../shared/parsers.js';

export interface WebhookFlags {
  port: number;
  host: string;
  path: string;
  secret?: string;
  deadlineMs: number;
}

export function declareWebhook(ctx: ProgramContext): Command {
  return new Command('webhook')
    .description('receive checkout.session.* events from Stripe and backfill each PaymentIntent as it is paid (dead-lettering what fails)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', intInRange(0, 65535), 4242)
    .option('--host <address>', 'address to bind; keep the default unless a proxy in front needs another', '127.0.0.1')
    .option('--path <path>', 'path that receives events', pattern(/^\/[A-Za-z0-9_\-./~]*$/, 'a URL path starting with /'), '/webhook')
    .option('--secret <whsec_…>', 'webhook signing secret (env: STRIPE_WEBHOOK_SECRET; prefer the env: flags show up in ps)')
    .option('--deadline-ms <ms>', 'answer every delivery within this many ms (stripe listen gives up after 30 s)', intInRange(1000, 28_000), 20_000)
    .addHelpText(
      'after',
      `
Examples:
  $ STRIPE_WEBHOOK_SECRET=whsec_… billing-backfill webhook
  $ stripe listen --forward-to localhost:4242/webhook     # prints the whsec_… to use
  $ billing-backfill webhook --port 0 --path /stripe/events
  $ curl -s localhost:4242/healthz

Answers 200 once the outcome is durable (PaymentIntent patched, event ignored,
or a dead letter stored), 400 for a bad signature, 409 while another delivery
of the same event is in flight, 5xx when Stripe should deliver again.
SIGINT/SIGTERM stop accepting, finish the requests in flight, and exit 0.`,
    )
    .action(async (flags: WebhookFlags) => {
      ctx.stopsOnSignal = true;
      const { webhookRun } = await import('./run.js');
      ctx.exitCode = (await webhookRun(ctx.factory, flags)).exitCode;
    });
}
