import { describe, expect, it } from "vitest";
import { createRetryDelay } from "./reconnect-delay.ts";

describe("createRetryDelay", () => {
  it("grows exponentially and never exceeds the cap", () => {
    const delay = createRetryDelay({ baseMs: 500, capMs: 10_000, random: () => 1 });
    expect([0, 1, 2, 3, 4, 5, 10].map(delay)).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it("spreads clients over the window instead of using one instant", () => {
    const low = createRetryDelay({ baseMs: 500, capMs: 10_000, random: () => 0 });
    const mid = createRetryDelay({ baseMs: 500, capMs: 10_000, random: () => 0.5 });
    expect(low(4)).toBe(250);
    expect(mid(4)).toBe(4125);
  });

  it("gives different delays to different clients for the same attempt", () => {
    const delay = createRetryDelay({ baseMs: 500, capMs: 10_000 });
    const samples = new Set(Array.from({ length: 20 }, () => delay(3)));
    expect(samples.size).toBeGreaterThan(10);
  });
});
