// Slows down guessing of setup codes: a few wrong codes per window for the whole process (the code
// is global, so is the budget), then every attempt is refused until the window ends. Each attempt
// reserves its point before the code is checked, so guesses sent at once cannot all slip past a
// count read before any of them failed. The command line (`pnpm handoff setup`) needs no code and
// so is never held up by someone guessing.
import { AppError } from "../../../domain/app-error.ts";
import { createRateCounter, waitText } from "../rate-counter.ts";

const KEY = "setup-code";

type TSetupThrottleOptions = { failures: number; windowMs: number };

export type SetupThrottle = {
  /**
   * Runs `check` on a reserved point of the budget, which stays spent only if `check` throws what
   * `isWrongCode` recognises. Throws TOO_MANY_REQUESTS, without running `check`, once it is spent.
   */
  guard<T>(check: () => Promise<T>, isWrongCode: (error: unknown) => boolean): Promise<T>;
};

const DEFAULT_SETUP_THROTTLE: TSetupThrottleOptions = { failures: 10, windowMs: 10 * 60_000 };

export function createSetupThrottle(options = DEFAULT_SETUP_THROTTLE): SetupThrottle {
  // In this process only: the budget is per replica, so one replica's guesser never locks out another's owner.
  const failures = createRateCounter({
    keyPrefix: "setup",
    points: options.failures,
    durationSec: Math.ceil(options.windowMs / 1000),
  });
  return {
    async guard(check, isWrongCode) {
      const reserved = await failures.penalty(KEY);
      if (reserved.consumedPoints > options.failures) {
        const { msBeforeNext } = await failures.reward(KEY);
        throw new AppError(
          "TOO_MANY_REQUESTS",
          `Too many wrong setup codes. Try again in ${waitText(msBeforeNext)}, or run \`pnpm handoff setup\` on the server.`,
        );
      }
      try {
        const result = await check();
        await failures.reward(KEY);
        return result;
      } catch (error) {
        if (!isWrongCode(error)) await failures.reward(KEY);
        throw error;
      }
    },
  };
}
