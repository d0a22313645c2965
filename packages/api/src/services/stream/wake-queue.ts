// Waking stream readers, a slice per turn of the event loop, across every account hub of the
// process. A woken reader delivers to its socket before the next slice starts; between slices the
// process answers I/O (requests, database replies, a transaction's next statement). One queue for
// the whole process, so a burst of events or many busy accounts never wake more per turn.

/** Readers woken per turn of the event loop. */
export const READERS_PER_SLICE = 64;

const queue: (() => void)[] = [];
let head = 0;
let isScheduled = false;

/** Queues `wakes` behind every wake already queued; they run a slice per turn, in order. */
export function wakeInSlices(wakes: Iterable<() => void>): void {
  for (const wake of wakes) queue.push(wake);
  if (isScheduled || head === queue.length) return;
  isScheduled = true;
  setImmediate(runSlice);
}

function runSlice(): void {
  const end = Math.min(head + READERS_PER_SLICE, queue.length);
  const slice = queue.slice(head, end);
  head = end;
  if (head === queue.length) {
    queue.length = 0;
    head = 0;
  }
  for (const wake of slice) wake();
  isScheduled = head < queue.length;
  if (isScheduled) setImmediate(runSlice);
}
