// Fan-out across every account hub of the process, a few milliseconds per turn of the event loop.
// Within a turn, events go to socket after socket back to back, which costs per message about what a
// raw broadcast does (a send to a peer that is still reading wakes nobody); between turns the process
// answers I/O (requests, database replies: a transaction's next statement waits for at most one
// turn). One queue for the whole process, so a burst of events or many busy accounts never take more
// per turn.

/** How long one turn of the event loop may spend handing out events. */
export const FAN_OUT_MS_PER_TURN = 4;
/** Subscribers served between two looks at the clock. */
export const SUBSCRIBERS_PER_CHUNK = 32;

export type TFanOutRound = {
  /** Serves up to `budget` subscribers; returns how many it served: fewer means the round is over. */
  serve(budget: number): number;
};

const rounds: TFanOutRound[] = [];
let isScheduled = false;

/** Queues a round behind every round already queued; rounds run in order. */
export function scheduleFanOut(round: TFanOutRound): void {
  rounds.push(round);
  if (isScheduled) return;
  isScheduled = true;
  setImmediate(runTurn);
}

function runTurn(): void {
  const deadline = performance.now() + FAN_OUT_MS_PER_TURN;
  while (rounds.length > 0 && performance.now() < deadline) {
    const served = (rounds[0] as TFanOutRound).serve(SUBSCRIBERS_PER_CHUNK);
    if (served < SUBSCRIBERS_PER_CHUNK) rounds.shift();
  }
  isScheduled = rounds.length > 0;
  if (isScheduled) setImmediate(runTurn);
}
