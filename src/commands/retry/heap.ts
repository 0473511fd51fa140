/**
 * Keeps a `retry --all` process's heap near its live set, so memory stays
 * flat and small however long the backlog (bench figure 2).
 *
 * Left alone, V8 sizes the heap for throughput: the young generation grows to
 * 2 × 16 MB and the old generation to about 3× what survives a full GC. For a
 * batch whose live set is flat (~22 MB, mostly loaded code) that meant a peak
 * RSS of 140–175 MB, wandering with GC timing. With these two settings it is
 * ~95 MB, for about 10% more CPU in a run whose pace Stripe's rate limit sets.
 * Both flags are read by V8 at every resize, so setting them at run time
 * works; the heap-size flags (--max-old-space-size and the like) would not.
 */
import { setFlagsFromString } from 'node:v8';

export function boundHeapForBatch(): void {
  // The young generation stays at its initial size instead of doubling.
  setFlagsFromString('--semi-space-growth-factor=1');
  // After a full GC, the old generation may grow 30% past what survived.
  setFlagsFromString('--heap-growing-percent=30');
}
