// The process's priorities around the live fan-out: requests in flight go first (within a bound),
// background work waits for the fan-out queued ahead of it (within a bound).
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import { beforeEach, describe, expect, it } from "vitest";
import {
  BACKGROUND_MAX_WAIT_MS,
  FAN_OUT_MAX_YIELD_MS,
  FanOutScheduler,
  REQUEST_PRIORITY_MS,
  SUBSCRIBERS_PER_CHUNK,
} from "./fan-out-scheduler.ts";

/** One scheduler per test: an instance holds all its state, so no test sees another's rounds. */
let scheduler = new FanOutScheduler();
beforeEach(() => {
  scheduler = new FanOutScheduler();
});

/** A request in flight until `answer()` (which resolves once the request is over). */
function requestInFlight(): { answer(): Promise<void> } {
  let resolve = () => {};
  const answered = scheduler.asRequest(
    () =>
      new Promise<void>((settle) => {
        resolve = settle;
      }),
  );
  return {
    answer() {
      resolve();
      return answered;
    },
  };
}

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 5_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error("timed out");
    await sleep(1);
  }
}

/** A one-subscriber round that records when it was served. */
function recordingRound() {
  const round = {
    servedAt: null as number | null,
    serve() {
      round.servedAt = performance.now();
      return 0;
    },
  };
  return round;
}

describe("fan-out scheduler", () => {
  it("steps aside while a request is in flight and serves as soon as it is answered", async () => {
    const request = requestInFlight();
    const round = recordingRound();
    const scheduledAt = performance.now();
    scheduler.schedule(round);
    await nextTurn();
    await nextTurn();
    // Served only if the machine stalled past the bound meanwhile.
    expect(round.servedAt ?? Number.POSITIVE_INFINITY).toBeGreaterThanOrEqual(
      scheduledAt + FAN_OUT_MAX_YIELD_MS - 1,
    );

    await request.answer();
    // The answer wakes it: a turn or two, not the rest of the bound.
    await nextTurn();
    await nextTurn();
    expect(round.servedAt).not.toBeNull();
  });

  it("takes its turn anyway once a request has held it back for FAN_OUT_MAX_YIELD_MS", async () => {
    const request = requestInFlight();
    const round = recordingRound();
    const scheduledAt = performance.now();
    scheduler.schedule(round);
    await waitFor(() => round.servedAt !== null);
    // Timers may fire up to a millisecond early by this clock.
    expect(round.servedAt as number).toBeGreaterThanOrEqual(scheduledAt + FAN_OUT_MAX_YIELD_MS - 1);
    await request.answer();
  });

  it("runs background work after the fan-out, including a round queued in the same turn", async () => {
    const order: string[] = [];
    scheduler.afterFanOut(() => order.push("background"));
    // A round of three chunks, each longer than a turn may take: it spans three turns.
    let chunksLeft = 3;
    scheduler.schedule({
      serve() {
        const until = performance.now() + 6;
        while (performance.now() < until) {
          // the thread is busy, as with real sends
        }
        chunksLeft -= 1;
        order.push("chunk");
        return chunksLeft > 0 ? SUBSCRIBERS_PER_CHUNK : 0;
      },
    });
    await waitFor(() => order.includes("background"));
    expect(order).toEqual(["chunk", "chunk", "chunk", "background"]);
  });

  it("runs background work after BACKGROUND_MAX_WAIT_MS when the fan-out goes on", async () => {
    const round = { isOver: false };
    const ran = { at: Number.NaN, wasRoundGoing: false };
    const askedAt = performance.now();
    scheduler.schedule({ serve: () => (round.isOver ? 0 : SUBSCRIBERS_PER_CHUNK) });
    scheduler.afterFanOut(() => {
      ran.at = performance.now();
      ran.wasRoundGoing = !round.isOver;
    });
    await waitFor(() => !Number.isNaN(ran.at));
    round.isOver = true;
    expect(ran.wasRoundGoing).toBe(true);
    expect(ran.at).toBeGreaterThanOrEqual(askedAt + BACKGROUND_MAX_WAIT_MS - 1);
    await new Promise<void>((drained) => scheduler.afterFanOut(drained));
  });

  it("takes other stream work (a socket to accept) in order with the fan-out, after requests in flight", async () => {
    const order: string[] = [];
    let firstServedAt: number | null = null;
    const request = requestInFlight();
    const scheduledAt = performance.now();
    scheduler.schedule({
      serve() {
        firstServedAt ??= performance.now();
        order.push("fan-out");
        return 0;
      },
    });
    const queued = new Promise<void>((done) =>
      scheduler.queueWork(() => {
        order.push("stream work");
        done();
      }),
    );
    await nextTurn();
    await nextTurn();
    // Served only if the machine stalled past the bound meanwhile.
    expect(firstServedAt ?? Number.POSITIVE_INFINITY).toBeGreaterThanOrEqual(
      scheduledAt + FAN_OUT_MAX_YIELD_MS - 1,
    );
    await request.answer();
    await queued;
    expect(order.slice(-2)).toEqual(["fan-out", "stream work"]);
  });

  it("no longer steps aside for a request older than REQUEST_PRIORITY_MS (one waiting on another service)", async () => {
    const request = requestInFlight();
    await sleep(REQUEST_PRIORITY_MS + 10);
    const round = recordingRound();
    scheduler.schedule(round);
    await nextTurn();
    await nextTurn();
    expect(round.servedAt).not.toBeNull();
    await request.answer();
  });
});
