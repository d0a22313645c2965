// Throttles second-factor codes per user, like passwords: each attempt reserves one of a few tries
// before the code is checked (consume() is atomic, so codes sent at once count like codes sent one
// after another), a right code gives the tries back, and once they are used up the user waits for
// the window to pass. With Redis every replica shares the counters.
import { RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../../../domain/app-error.ts";
import { createRateCounter, waitText } from "../rate-counter.ts";

export type TSecondFactorGuardOptions = {
  /** Wrong codes per user within the window before further codes are refused unchecked. */
  maxFailures: number;
  windowMs: number;
  /** An ioredis client shared by replicas; without one the counters live in this process. */
  redis?: unknown;
};

export const DEFAULT_SECOND_FACTOR_GUARD: TSecondFactorGuardOptions = {
  maxFailures: 5,
  windowMs: 15 * 60 * 1000,
};

export type SecondFactorGuard = {
  /** Reserves a try for the user's code (TOO_MANY_REQUESTS when none is left), then runs the check. */
  check<T>(userId: string, isRight: () => Promise<T | null>): Promise<T | null>;
};

export function createSecondFactorGuard(options: TSecondFactorGuardOptions): SecondFactorGuard {
  const limiter = createRateCounter({
    keyPrefix: "login:second-factor",
    points: options.maxFailures,
    durationSec: Math.ceil(options.windowMs / 1000),
    redis: options.redis,
  });

  return {
    async check(userId, isRight) {
      try {
        await limiter.consume(userId);
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        throw new AppError(
          "TOO_MANY_REQUESTS",
          `Too many wrong codes. Try again in ${waitText(error.msBeforeNext)}.`,
        );
      }
      const result = await isRight();
      if (result !== null) await limiter.delete(userId);
      return result;
    },
  };
}
