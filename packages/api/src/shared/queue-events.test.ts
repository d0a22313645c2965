import { describe, expect, it } from "vitest";
import { queuePositionAfter, queuePositionOf } from "./queue-events.ts";

describe("a queue's event log position", () => {
  const atSeven = queuePositionOf("log-a:7");

  it("skips events it already reflects and moves on to later ones", () => {
    expect(atSeven).toEqual({ epoch: "log-a", lastSeq: 7 });
    expect(queuePositionAfter(atSeven, "log-a:6", 6)).toBeNull();
    expect(queuePositionAfter(atSeven, "log-a:7", 7)).toBeNull();
    expect(queuePositionAfter(atSeven, "log-a:8", 8)).toEqual({ epoch: "log-a", lastSeq: 8 });
  });

  it("takes any event of another log (a reset database), and any event before a position is known", () => {
    expect(queuePositionAfter(atSeven, "log-b:1", 1)).toEqual({ epoch: "log-b", lastSeq: 1 });
    expect(queuePositionAfter(queuePositionOf("not an id"), "log-a:1", 1)).toEqual({
      epoch: "log-a",
      lastSeq: 1,
    });
  });
});
