import type { TStreamItem } from "@handoff/api";
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { trackedDataFrame } from "./tracked-data-frame.ts";

const item = (): TStreamItem => ({
  seq: 7,
  id: "epoch:7",
  event: { kind: "resync", reason: 'A "quoted" reason' },
});

describe("a stream frame", () => {
  it("is exactly what tRPC's WebSocket adapter sends for a tracked event", () => {
    const event = item();
    for (const subscriptionId of [1, "sub-2"]) {
      const expected = JSON.stringify({
        id: subscriptionId,
        result: {
          type: "data",
          id: event.id,
          data: superjson.serialize({ id: event.id, data: event.event }),
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
