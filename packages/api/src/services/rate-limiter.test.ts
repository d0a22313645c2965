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

  it("counts weighted attempts", () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000 });
    expect(Array.from({ length: 11 }, () => limiter.consume("ip", 0.1)).lastIndexOf(true)).toBe(9);
  });

  it("forgets a key on reset", () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000 });
    limiter.consume("a");
    expect(limiter.consume("a")).toBe(false);
    limiter.reset("a");
    expect(limiter.consume("a")).toBe(true);
  });
});
