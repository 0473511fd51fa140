import type { Reply } from './emulator.js';
import { faultBody } from './stripe-errors.js';

/** A validated fault; `remaining` is Infinity for a fault that never wears out. */
export interface Fault {
  method: string | undefined;
  path: string;
  status: number | undefined;
  remaining: number;
  body: unknown;
  headers: Record<string, string>;
  delayMs: number;
  dropConnection: boolean;
}

/** Injected faults, consulted in insertion order; the first match with uses left is spent. */
export class FaultQueue {
  private faults: Fault[] = [];

  add(faults: Fault[]): void {
    this.faults.push(...faults);
  }

  take(method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex(
      (fault) => (fault.method === undefined || fault.method === method) && path.startsWith(fault.path),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index] as Fault;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }

  get pending(): number {
    return this.faults.length;
  }

  /** Drops the faults not yet spent and returns how many there were. */
  clear(): number {
    const cleared = this.faults.length;
    this.faults = [];
    return cleared;
  }
}

/** What a fault with a status answers: its own body and headers, or a Stripe error fitting the status. */
export function faultReply(fault: Fault & { status: number }): Reply {
  const text = typeof fault.body === 'string' ? fault.body : undefined;
  return {
    status: fault.status,
    body: text ?? JSON.stringify(fault.body ?? faultBody(fault.status)),
    headers: { ...(text === undefined ? {} : { 'Content-Type': 'text/plain; charset=utf-8' }), ...fault.headers },
  };
}
