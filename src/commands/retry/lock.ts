/**
 * The advisory lock of `retry --all`: one run at a time across cron hosts.
 * A holder that dies keeps it until it expires, except that a run on the same
 * host can see the holder's process is gone (killed, or it lost MongoDB and
 * could not let go) and take over at once.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { LockHolder, LockStore } from '../../core/ports.js';
import { UsageError } from '../../errors.js';

export const LOCK_NAME = 'retry-all';
const DEFAULT_LOCK_TTL_MS = 5 * 60_000;

/** How long the lock of a run that died blocks the others (renewed while the run lives). */
export function lockTtlMs(env: NodeJS.ProcessEnv): number {
  const raw = env.BILLING_BACKFILL_LOCK_TTL_MS?.trim();
  if (!raw) return DEFAULT_LOCK_TTL_MS;
  const ms = Number(raw);
  if (!/^\d+$/.test(raw) || ms < 1000 || ms > 86_400_000) {
    throw new UsageError('BILLING_BACKFILL_LOCK_TTL_MS must be a whole number of milliseconds from 1000 to 86400000');
  }
  return ms;
}

/** e.g. `cron pid:4242@host-a 9f2c01ab`: who, and where to look for the process. */
export function lockOwner(actor: string): string {
  return `${actor} pid:${process.pid}@${hostname()} ${randomBytes(4).toString('hex')}`;
}

function isGoneFromThisHost(owner: string): boolean {
  const match = / pid:(\d+)@(\S+) [0-9a-f]+$/.exec(owner);
  if (!match || match[2] !== hostname()) return false;
  try {
    process.kill(Number(match[1]), 0);
    return false;
  } catch (err) {
    // EPERM: alive, under another user.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export type LockAttempt = { acquired: true; tookOverFrom: string | null } | { acquired: false; holder: LockHolder };

export async function acquireRunLock(locks: LockStore, owner: string, ttlMs: number, now: Date): Promise<LockAttempt> {
  const first = await locks.acquire(LOCK_NAME, owner, ttlMs, now);
  if (first.acquired) return { acquired: true, tookOverFrom: null };
  if (!isGoneFromThisHost(first.holder.owner)) return first;
  // Releasing in the dead holder's name frees the lock; the insert then decides between concurrent takers.
  await locks.release(LOCK_NAME, first.holder.owner);
  const second = await locks.acquire(LOCK_NAME, owner, ttlMs, now);
  return second.acquired ? { acquired: true, tookOverFrom: first.holder.owner } : second;
}
