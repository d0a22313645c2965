import superjson from "superjson";
import { describe, expect, it } from "vitest";
import type { TStreamItem } from "../stream/stream-hub.ts";
import { createTrackedDataFrames } from "./tracked-data-frame.ts";

const item = (): TStreamItem => ({
  seq: 7,
  id: "epoch:7",
  event: { kind: "resync", reason: 'A "quoted" reason' },
  atMs: null,
});

describe("a stream frame", () => {
  const trackedDataFrame = createTrackedDataFrames();
  // Byte for byte against tRPC's own adapter: apps/server/test/frame-contract.integration.test.ts.
  it("is a tracked data result, keys in the order tRPC's WebSocket adapter writes them", () => {
    const event = item();
    for (const subscriptionId of [1, "sub-2"]) {
      const expected = JSON.stringify({
        id: subscriptionId,
        result: {
          type: "data",
          data: superjson.serialize({ id: event.id, data: event.event }),
          id: event.id,
        },
      });
      expect(trackedDataFrame(subscriptionId, event).toString("utf8")).toBe(expected);
    }
  });

  it("answers each subscription under its own id, from the one serialisation of the event", () => {
    const event = item();
    const first = JSON.parse(trackedDataFrame(1, event).toString("utf8"));
    const second = JSON.parse(trackedDataFrame(2, event).toString("utf8"));
    expect([first.id, second.id]).toEqual([1, 2]);
    expect(second.result).toEqual(first.result);
  });
});
