/** The record filters shared by `list` and `retry --all`. */
import { Option, type Command } from 'commander';
import type { RecordQuery, StateFilter } from '../../core/ports.js';
import { UsageError } from '../../errors.js';
import { parseWhen, pattern } from './parsers.js';

export interface FilterFlags {
  unresolved?: boolean;
  resolved?: boolean;
  any?: boolean;
  since?: string;
  until?: string;
  pi?: string;
  session?: string;
  error?: string;
}

export function addFilterOptions(cmd: Command, opts: { states: boolean }): Command {
  if (opts.states) {
    cmd
      .addOption(new Option('--unresolved', 'only unresolved records (default)').conflicts(['resolved', 'any']))
      .addOption(new Option('--resolved', 'only resolved records').conflicts(['any']))
      .option('--any', 'resolved and unresolved records');
  }
  return cmd
    .option('--since <when>', 'failed at or after: ISO date or duration ago (2h, 7d)')
    .option('--until <when>', 'failed at or before: ISO date or duration ago')
    .option('--pi <pi_…>', 'only this PaymentIntent', pattern(/^pi_[A-Za-z0-9_]+$/, 'a PaymentIntent id (pi_…)'))
    .option('--session <cs_…>', 'only this Checkout Session', pattern(/^cs_[A-Za-z0-9_]+$/, 'a Checkout Session id (cs_…)'))
    .option('--error <text>', 'error message contains (case-insensitive)');
}

function when(flag: string, value: string | undefined, now: Date): Date | undefined {
  if (value === undefined) return undefined;
  try {
    return parseWhen(value, now);
  } catch (err) {
    throw new UsageError(`option '${flag}' argument '${value}' is invalid: ${(err as Error).message}`);
  }
}

export function toRecordQuery(flags: FilterFlags, now: Date, fixedState?: StateFilter): RecordQuery {
  const state: StateFilter = fixedState ?? (flags.any ? 'any' : flags.resolved ? 'resolved' : 'unresolved');
  const since = when('--since', flags.since, now);
  const until = when('--until', flags.until, now);
  if (since && until && since > until) throw new UsageError('--since is after --until');
  return {
    state,
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(flags.pi ? { paymentIntentId: flags.pi } : {}),
    ...(flags.session ? { stripeSessionId: flags.session } : {}),
    ...(flags.error ? { errorContains: flags.error } : {}),
  };
}
