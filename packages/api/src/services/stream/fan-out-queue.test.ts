// The process's priorities around the live fan-out: requests in flight go first (within a bound),
// background work waits for the fan-out queued ahead of it (within a bound).
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import {
  afterFanOut,
  asRequest,
  BACKGROUND_MAX_WAIT_MS,
  FAN_OUT_MAX_YIELD_MS,
  SUBSCRIBERS_PER_CHUNK,
  scheduleFanOut,
  streamWorkTurn,
} from "./fan-out-queue.ts";

function deferred() {
  let resolve = () => {};
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
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

describe("fan-out queue", () => {
  it("steps aside while a request is in flight and serves once it is answered", async () => {
    const request = deferred();
    const answered = asRequest(() => request.promise);
    const round = recordingRound();
    scheduleFanOut(round);
    await nextTurn();
    await nextTurn();
    expect(round.servedAt).toBeNull();

    request.resolve();
    await answered;
    const answeredAt = performance.now();
    await waitFor(() => round.servedAt !== null);
    expect(round.servedAt).toBeGreaterThanOrEqual(answeredAt);
  });

  it("takes its turn anyway once a request has held it back for FAN_OUT_MAX_YIELD_MS", async () => {
    const request = deferred();
    const answered = asRequest(() => request.promise);
    const round = recordingRound();
    const scheduledAt = performance.now();
    scheduleFanOut(round);
    await waitFor(() => round.servedAt !== null);
    // Timers may fire up to a millisecond early by this clock.
    expect(round.servedAt as number).toBeGreaterThanOrEqual(scheduledAt + FAN_OUT_MAX_YIELD_MS - 1);
    request.resolve();
    await answered;
  });

  it("runs background work after the fan-out, including a round queued in the same turn", async () => {
    const order: string[] = [];
    afterFanOut(() => order.push("background"));
    // A round of three chunks, each longer than a turn may take: it spans three turns.
    let chunksLeft = 3;
    scheduleFanOut({
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

  it("runs background work at once when no fan-out is queued", async () => {
    const ran = { at: Number.NaN };
    const askedAt = performance.now();
    afterFanOut(() => {
      ran.at = performance.now();
    });
    await waitFor(() => !Number.isNaN(ran.at));
    expect(ran.at - askedAt).toBeLessThan(BACKGROUND_MAX_WAIT_MS);
  });

  it("runs background work after BACKGROUND_MAX_WAIT_MS when the fan-out goes on", async () => {
    const round = { isOver: false };
    const ran = { at: Number.NaN, wasRoundGoing: false };
    const askedAt = performance.now();
    scheduleFanOut({ serve: () => (round.isOver ? 0 : SUBSCRIBERS_PER_CHUNK) });
    afterFanOut(() => {
      ran.at = performance.now();
      ran.wasRoundGoing = !round.isOver;
    });
    await waitFor(() => !Number.isNaN(ran.at));
    round.isOver = true;
    expect(ran.wasRoundGoing).toBe(true);
    expect(ran.at).toBeGreaterThanOrEqual(askedAt + BACKGROUND_MAX_WAIT_MS - 1);
  });

  it("takes other stream work (a socket to accept) in order with the fan-out, after requests in flight", async () => {
    const order: string[] = [];
    const request = deferred();
    const answered = asRequest(() => request.promise);
    scheduleFanOut({
      serve() {
        order.push("fan-out");
        return 0;
      },
    });
    const turn = streamWorkTurn().then(() => order.push("stream work"));
    await nextTurn();
    await nextTurn();
    expect(order).toEqual([]);
    request.resolve();
    await answered;
    order.push("request answered");
    await turn;
    expect(order).toEqual(["request answered", "fan-out", "stream work"]);
  });
});
