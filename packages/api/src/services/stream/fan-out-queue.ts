// Fan-out across every account hub of the process, a bounded number of subscribers per turn of the
// event loop. Within a turn, events go to socket after socket back to back, which costs per message
// about what a raw broadcast does (a send to a peer that is still reading wakes nobody); between
// turns the process answers I/O (requests, database replies, a transaction's next statement). One
// queue for the whole process, so a burst of events or many busy accounts never take more per turn.

/** Subscribers brought up to date per turn of the event loop. */
export const SUBSCRIBERS_PER_TURN = 512;

export type TFanOutRound = {
  /** Serves up to `budget` subscribers; returns how many it served: fewer means the round is over. */
  serve(budget: number): number;
};

const rounds: TFanOutRound[] = [];
let isScheduled = false;

/** Queues a round behind every round already queued; rounds run in order, a budget per turn. */
export function scheduleFanOut(round: TFanOutRound): void {
  rounds.push(round);
  if (isScheduled) return;
  isScheduled = true;
  setImmediate(runTurn);
}

function runTurn(): void {
  let budget = SUBSCRIBERS_PER_TURN;
  while (budget > 0 && rounds.length > 0) {
    const served = (rounds[0] as TFanOutRound).serve(budget);
    if (served < budget) rounds.shift();
    budget -= served;
  }
  isScheduled = rounds.length > 0;
  if (isScheduled) setImmediate(runTurn);
}
