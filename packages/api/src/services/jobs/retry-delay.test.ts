import { describe, expect, it } from "vitest";
import { parseRetryAfter, retryDelayMs } from "./retry-delay.ts";

describe("parseRetryAfter", () => {
  it("reads delta-seconds and HTTP dates, and ignores what it cannot read", () => {
    const now = Date.parse("2026-11-23T10:00:00Z");
    expect(parseRetryAfter("30", now)).toBe(30_000);
    expect(parseRetryAfter(" 1.5 ", now)).toBe(1_500);
    expect(parseRetryAfter("Mon, 23 Nov 2026 10:00:45 GMT", now)).toBe(45_000);
    expect(parseRetryAfter("Mon, 23 Nov 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe("retryDelayMs", () => {
  const backoff = { baseDelayMs: 1_000, maxDelayMs: 60_000 };

  it("waits exactly as long as Retry-After asks, up to the cap", () => {
    expect(retryDelayMs(backoff, 1, 30_000)).toBe(30_000);
    expect(retryDelayMs(backoff, 1, 3_600_000)).toBe(60_000);
  });

  it("otherwise backs off exponentially with jitter, capped", () => {
    for (let i = 0; i < 50; i += 1) {
      expect(retryDelayMs(backoff, 3, null)).toBeLessThanOrEqual(4_000);
      expect(retryDelayMs(backoff, 20, null)).toBeLessThanOrEqual(60_000);
    }
  });
});
