/**
 * The webhook's log lines: one JSON object per line for log collectors (stderr
 * not a terminal, or --json), a short line for a person watching otherwise.
 */
import type { WebhookLogLine } from './server.js';

export function formatEventLine(line: WebhookLogLine, opts: { json: boolean; now: Date }): string {
  if (opts.json) return JSON.stringify({ time: opts.now.toISOString(), ...line });
  const parts = [String(line.status), line.outcome.padEnd(16), line.eventId ?? '-', line.type ?? '-', line.paymentIntentId ?? '-', `${line.durationMs} ms`];
  return `${parts.join('  ')}${line.reason ? `  (${line.reason})` : ''}`;
}

export function formatMessage(message: string, fields: Record<string, unknown>, opts: { json: boolean; now: Date }): string {
  return opts.json ? JSON.stringify({ time: opts.now.toISOString(), message, ...fields }) : message;
}
