// Counters on rate-limiter-flexible for throttling (sign-ins, password resets): in Redis when one is
// given, so every replica shares them, else in this process. Must never fail a request because
// Redis is down: each replica then counts on its own until it is back.
import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";

export type TRateCounterOptions = {
  /** Namespaces the keys, e.g. "login:email". */
  keyPrefix: string;
  points: number;
  durationSec: number;
  /** An ioredis client; without one the counts live in this process. */
  redis?: unknown;
};

export function createRateCounter(options: TRateCounterOptions): RateLimiterMemory | RateLimiterRedis {
  const limits = { keyPrefix: options.keyPrefix, points: options.points, duration: options.durationSec };
  const memory = new RateLimiterMemory(limits);
  if (!options.redis) return memory;
  return new RateLimiterRedis({
    ...limits,
    storeClient: options.redis,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

/** "12 seconds", "3 minutes": how long someone must wait, for a message. */
export function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 120) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
