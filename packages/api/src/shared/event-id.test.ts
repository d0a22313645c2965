import { describe, expect, it } from "vitest";
import { formatEventId, parseEventId } from "./event-id.ts";

describe("event ids", () => {
  it("round-trips an epoch and a seq", () => {
    const id = formatEventId({ epoch: "6f1c2d3e-aaaa-bbbb-cccc-0123456789ab", seq: 42 });
    expect(id).toBe("6f1c2d3e-aaaa-bbbb-cccc-0123456789ab:42");
    expect(parseEventId(id)).toEqual({ epoch: "6f1c2d3e-aaaa-bbbb-cccc-0123456789ab", seq: 42 });
  });

  it.each(["", "42", ":42", "epoch:", "epoch:-1", "epoch:1.5", "epoch:abc", "epoch:99999999999999999999"])(
    "rejects %j",
    (id) => {
      expect(parseEventId(id)).toBeNull();
    },
  );
});
