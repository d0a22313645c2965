import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limiter.ts";

describe("rate limiter", () => {
  it("allows `limit` attempts per window and per key, then refuses until the window ends", () => {
    let now = 0;
    const limiter = createRateLimiter({ limit: 3, windowMs: 1000, now: () => now });
    expect([1, 2, 3, 4].map(() => limiter.consume("a"))).toEqual([true, true, true, false]);
    expect(limiter.consume("b")).toBe(true);
    now = 1000;
    expect(limiter.consume("a")).toBe(true);
  });

  it("takes a per-call limit, and tells when a key is used up without counting", () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000 });
    expect(Array.from({ length: 11 }, () => limiter.consume("ip", 10))).toEqual([
      ...Array.from({ length: 10 }, () => true),
      false,
    ]);
    expect(limiter.isExhausted("ip", 10)).toBe(true);
    expect(limiter.isExhausted("fresh")).toBe(false);
    limiter.consume("fresh");
    expect(limiter.isExhausted("fresh")).toBe(true);
  });

  it("forgets a key on reset", () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000 });
    limiter.consume("a");
    expect(limiter.consume("a")).toBe(false);
    limiter.reset("a");
    expect(limiter.consume("a")).toBe(true);
  });
});
