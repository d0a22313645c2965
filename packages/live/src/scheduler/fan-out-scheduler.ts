// Fan-out across every account hub of the process, a few milliseconds per turn of the event loop.
// Within a turn, events go to socket after socket back to back, which costs per message about what a
// raw broadcast does (a send to a peer that is still reading wakes nobody); between turns the process
// answers I/O (requests, database replies: a transaction's next statement waits for at most one
// turn). One queue for the whole process (the server creates one scheduler and hands it to the hubs,
// the socket connections and the API's request middleware), so a burst of events or many busy
// accounts never take more per turn.
//
// While a request is in flight the fan-out steps aside, for at most FAN_OUT_MAX_YIELD_MS at a time:
// a mutation makes tens of database round trips, and a database on the same cores (or the process
// itself, with the embedded one) needs the CPU the fan-out would take. The bound keeps a steady
// stream of requests from starving the stream, and a request older than REQUEST_PRIORITY_MS (one
// waiting on an outside service, a PSA) is no longer waited for. Background work (jobs) goes the
// other way: it waits for the fan-out queued ahead of it, so an escalation's card reaches everyone
// before the jobs it caused take their share of the process.

/** How long one turn of the event loop may spend handing out events. */
export const FAN_OUT_MS_PER_TURN = 4;
/** The longest the fan-out waits for requests in flight before it takes a turn anyway. */
export const FAN_OUT_MAX_YIELD_MS = 20;
/** How long after it starts a request is still put ahead of the fan-out. */
export const REQUEST_PRIORITY_MS = 250;
/** The longest background work waits for the fan-out. */
export const BACKGROUND_MAX_WAIT_MS = 500;
/** Subscribers served between two looks at the clock. */
export const SUBSCRIBERS_PER_CHUNK = 32;

export type TFanOutRound = {
  /** Serves up to `budget` subscribers; returns how many it served: fewer means the round is over. */
  serve(budget: number): number;
};

/** One process's fan-out queue; see above. */
export class FanOutScheduler {
  readonly #rounds: TFanOutRound[] = [];
  #isScheduled = false;
  /** When each request in flight started. */
  readonly #requestsInFlight = new Set<{ startedAt: number }>();
  /** When the fan-out began waiting for the requests in flight; null while it is not waiting. */
  #yieldingSince: number | null = null;
  #yieldTimer: NodeJS.Timeout | null = null;
  /** Background work waiting for the queue to empty. */
  readonly #waitingForIdle: (() => void)[] = [];
  readonly #runTurn = () => this.#turn();
  readonly #resumeAfterYield = () => {
    this.#yieldTimer = null;
    this.#turn();
  };

  /** Queues a round behind every round already queued; rounds run in order. */
  schedule(round: TFanOutRound): void {
    this.#rounds.push(round);
    if (this.#isScheduled) return;
    this.#isScheduled = true;
    setImmediate(this.#runTurn);
  }

  /** Runs a request's work ahead of the fan-out (see above). */
  async asRequest<T>(work: () => Promise<T>): Promise<T> {
    const request = { startedAt: performance.now() };
    this.#requestsInFlight.add(request);
    try {
      return await work();
    } finally {
      this.#requestsInFlight.delete(request);
      if (this.#yieldTimer && !this.#isRequestWaiting(performance.now())) {
        clearTimeout(this.#yieldTimer);
        this.#yieldTimer = null;
        setImmediate(this.#runTurn);
      }
    }
  }

  /**
   * Queues other work of the live stream (accepting a WebSocket, starting a stream) behind the
   * fan-out queued so far, under the same budget per turn and stepping aside for requests the same way.
   */
  queueWork(work: () => void): void {
    this.schedule({
      serve() {
        work();
        return 0;
      },
    });
  }

  /**
   * Runs `work` once the fan-out has handed out everything queued by then, or after
   * BACKGROUND_MAX_WAIT_MS. It looks on the next turn, so the round an event published just now is
   * about to queue counts too.
   */
  afterFanOut(work: () => void): void {
    setImmediate(() => {
      if (this.#rounds.length === 0) return work();
      const waiting = this.#waitingForIdle;
      const runOnce = () => {
        clearTimeout(deadline);
        const index = waiting.indexOf(runOnce);
        if (index === -1) return;
        waiting.splice(index, 1);
        work();
      };
      const deadline = setTimeout(runOnce, BACKGROUND_MAX_WAIT_MS).unref();
      waiting.push(runOnce);
    });
  }

  #isRequestWaiting(now: number): boolean {
    for (const { startedAt } of this.#requestsInFlight) {
      if (now - startedAt < REQUEST_PRIORITY_MS) return true;
    }
    return false;
  }

  #turn(): void {
    const now = performance.now();
    if (this.#isRequestWaiting(now)) {
      this.#yieldingSince ??= now;
      const yieldLeft = FAN_OUT_MAX_YIELD_MS - (now - this.#yieldingSince);
      if (yieldLeft > 0) {
        this.#yieldTimer = setTimeout(this.#resumeAfterYield, yieldLeft).unref();
        return;
      }
    }
    this.#yieldingSince = null;
    const rounds = this.#rounds;
    const deadline = performance.now() + FAN_OUT_MS_PER_TURN;
    while (rounds.length > 0 && performance.now() < deadline) {
      const served = (rounds[0] as TFanOutRound).serve(SUBSCRIBERS_PER_CHUNK);
      if (served < SUBSCRIBERS_PER_CHUNK) rounds.shift();
    }
    this.#isScheduled = rounds.length > 0;
    if (this.#isScheduled) setImmediate(this.#runTurn);
    else for (const runOnce of [...this.#waitingForIdle]) runOnce();
  }
}
