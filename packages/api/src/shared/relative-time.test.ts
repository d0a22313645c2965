import { describe, expect, it } from "vitest";
import { formatRelativeTime } from "./relative-time.ts";

const now = Date.parse("2025-03-01T12:00:00Z");
const ago = (ms: number) => new Date(now - ms).toISOString();

describe("formatRelativeTime", () => {
  it.each([
    [3_000, "just now"],
    [42_000, "42 s ago"],
    [5 * 60_000, "5 min ago"],
    [3 * 3_600_000 + 59 * 60_000, "3 h ago"],
    [50 * 3_600_000, "2 d ago"],
  ])("%i ms ago reads %s", (ms, expected) => {
    expect(formatRelativeTime(ago(ms), now)).toBe(expected);
  });

  it("never shows a negative age for a slightly fast server clock", () => {
    expect(formatRelativeTime(new Date(now + 4_000).toISOString(), now)).toBe("just now");
  });
});
