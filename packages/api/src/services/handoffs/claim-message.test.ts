import { describe, expect, it } from "vitest";
import { describeClaim } from "./claim-message.ts";

describe("describeClaim", () => {
  const claimedAt = new Date("2026-11-23T10:00:00Z");
  it.each([
    [2_000, "Sam Ortiz claimed this just now."],
    [12_000, "Sam Ortiz claimed this 12 s ago."],
    [5 * 60_000, "Sam Ortiz claimed this 5 min ago."],
    [3 * 3_600_000, "Sam Ortiz claimed this 3 h ago."],
    [2 * 86_400_000, "Sam Ortiz claimed this 2 d ago."],
  ])("after %i ms reads %j", (elapsed, message) => {
    expect(describeClaim("Sam Ortiz", claimedAt, new Date(claimedAt.getTime() + elapsed))).toBe(message);
  });
});
