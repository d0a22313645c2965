// A fixed-window counter per key, in memory. Good enough for login throttling on one
// replica; a Redis-backed limiter would be needed to share limits across replicas.
export type RateLimiter = {
  /** Attempts allowed per key and window unless a call says otherwise. */
  readonly limit: number;
  /** Counts one attempt; false when the key has used up its window (`limit` defaults to the limiter's). */
  consume(key: string, limit?: number): boolean;
  /** Whether the key's window is used up, without counting an attempt. */
  isExhausted(key: string, limit?: number): boolean;
  reset(key: string): void;
};

export function createRateLimiter(options: {
  limit: number;
  windowMs: number;
  now?: () => number;
}): RateLimiter {
  const now = options.now ?? Date.now;
  const windows = new Map<string, { startedAt: number; count: number }>();

  function sweepExpired(at: number) {
    for (const [key, window] of windows) if (at - window.startedAt >= options.windowMs) windows.delete(key);
  }

  return {
    limit: options.limit,
    consume(key, limit = options.limit) {
      const at = now();
      if (windows.size > 10_000) sweepExpired(at);
      const window = windows.get(key);
      if (!window || at - window.startedAt >= options.windowMs) {
        windows.set(key, { startedAt: at, count: 1 });
        return 1 <= limit;
      }
      window.count += 1;
      return window.count <= limit;
    },
    isExhausted(key, limit = options.limit) {
      const window = windows.get(key);
      return window !== undefined && now() - window.startedAt < options.windowMs && window.count >= limit;
    },
    reset(key) {
      windows.delete(key);
    },
  };
}
