// Throttles requests for a password reset email, per email and per address. Every request counts,
// whether or not the email has an account, so a refusal says nothing about which emails exist.
// With Redis every replica shares the counts.
import { RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../../../domain/app-error.ts";
import { createRateCounter, waitText } from "../rate-counter.ts";

export type TPasswordResetLimits = {
  /** Reset emails one email address may ask for per window. */
  perEmail: number;
  /** Reset requests one client address may make per window, whatever the emails. */
  perAddress: number;
  windowMs: number;
};

export type PasswordResetThrottle = {
  /** Throws TOO_MANY_REQUESTS when this email or address asked too often; otherwise counts the request. */
  admit(request: { email: string; clientIp: string }): Promise<void>;
};

export function createPasswordResetThrottle(
  options: TPasswordResetLimits & {
    /** An ioredis client: counts shared by every replica. Without one they live in this process. */
    redis?: unknown;
  },
): PasswordResetThrottle {
  const durationSec = Math.ceil(options.windowMs / 1000);
  const counter = (keyPrefix: string, points: number) =>
    createRateCounter({ keyPrefix, points, durationSec, redis: options.redis });
  const byAddress = counter("password-reset:address", options.perAddress);
  const byEmail = counter("password-reset:email", options.perEmail);

  async function consume(limiter: typeof byEmail, key: string, subject: string) {
    try {
      await limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      throw new AppError(
        "TOO_MANY_REQUESTS",
        `Too many password reset requests ${subject}. Try again in ${waitText(error.msBeforeNext)}.`,
      );
    }
  }

  return {
    async admit({ email, clientIp }) {
      // The address first: a refused address spends none of the email's requests.
      await consume(byAddress, clientIp, "from your network");
      await consume(byEmail, email, "for this email");
    },
  };
}
