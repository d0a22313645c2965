// A fixed-window counter per key, in memory. Good enough for login throttling on one
// replica; a Redis-backed limiter would be needed to share limits across replicas.
export type RateLimiter = {
  /** Counts an attempt of the given weight; false when the key has used up its window. */
  consume(key: string, weight?: number): boolean;
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
    consume(key, weight = 1) {
      const at = now();
      if (windows.size > 10_000) sweepExpired(at);
      const window = windows.get(key);
      if (!window || at - window.startedAt >= options.windowMs) {
        windows.set(key, { startedAt: at, count: weight });
        return weight <= options.limit;
      }
      window.count += weight;
      return window.count <= options.limit;
    },
    reset(key) {
      windows.delete(key);
    },
  };
}
