// Login protection in OWASP's shape, on rate-limiter-flexible: only failed sign-ins are counted, per
// email, per address and per known device. Past a few free failures an email slows down (one attempt
// per doubling delay) rather than locking; an address has a much larger budget; a correct password
// from a device that signed in to that email before is never refused. With Redis every replica
// shares the counters. Must never count a successful sign-in against anyone.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../domain/app-error.ts";
import { createKnownDeviceSigner } from "./known-device.ts";

export type TLoginProtectionOptions = {
  /** Failed sign-ins per email (or known device) before each further attempt must wait. */
  freeFailures: number;
  /** The longest wait between attempts on one email; waits double from one second up to it. */
  maxDelayMs: number;
  /** Failed sign-ins one address may make per window before its unknown devices are refused. */
  addressFailures: number;
  /** How long failures are remembered. */
  windowMs: number;
  /** Signs known-device tokens; replicas must share it. */
  deviceSecret: string;
  /** An ioredis client: counters shared by every replica. Without one they live in this process. */
  redis?: unknown;
};

export type TLoginAttempt = { email: string; clientIp: string; deviceToken: string | null };

export type TAdmittedAttempt = {
  failed(): Promise<void>;
  /** Forgets the email's failures and returns a known-device token for the browser to keep. */
  succeeded(): Promise<string>;
};

export type LoginProtection = {
  /** Throws TOO_MANY_REQUESTS when this attempt must wait; otherwise lets it check the password. */
  admit(attempt: TLoginAttempt): Promise<TAdmittedAttempt>;
};

function counter(options: TLoginProtectionOptions, keyPrefix: string, durationSec: number) {
  const limits = { keyPrefix: `login:${keyPrefix}`, points: 1, duration: durationSec };
  const memory = new RateLimiterMemory(limits);
  if (!options.redis) return memory;
  // While Redis is unreachable each replica counts on its own rather than failing sign-ins.
  return new RateLimiterRedis({
    ...limits,
    storeClient: options.redis,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 120) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

function tooManyAttempts(from: "account" | "network", msBeforeNext: number): AppError {
  const subject = from === "account" ? "this account" : "your network";
  return new AppError(
    "TOO_MANY_REQUESTS",
    `Too many failed sign-ins for ${subject}. Try again in ${waitText(msBeforeNext)}.`,
  );
}

export function createLoginProtection(options: TLoginProtectionOptions): LoginProtection {
  const windowSec = Math.ceil(options.windowMs / 1000);
  const maxDelaySec = Math.max(1, Math.round(options.maxDelayMs / 1000));
  const emailFailures = counter(options, "email", windowSec);
  const addressFailures = counter(options, "address", windowSec);
  const deviceFailures = counter(options, "device", windowSec);
  // One attempt per delay: consume() on a key is atomic, so parallel guesses cannot slip through
  // together; a failure then restarts the wait from its own time (block()).
  const emailGate = counter(options, "gate", maxDelaySec);
  const signer = createKnownDeviceSigner(options.deviceSecret);

  const failuresOf = async (limiter: typeof emailFailures, key: string) =>
    (await limiter.get(key))?.consumedPoints ?? 0;

  /** The wait after `failures` failed sign-ins on one email: none while free, then doubling from 1 s. */
  const delaySecAfter = (failures: number) => Math.min(2 ** (failures - options.freeFailures), maxDelaySec);

  async function refuseUnknownDevice(email: string, clientIp: string) {
    const address = await addressFailures.get(clientIp);
    if (address && address.consumedPoints >= options.addressFailures) {
      throw tooManyAttempts("network", address.msBeforeNext);
    }
    const failures = await failuresOf(emailFailures, email);
    if (failures < options.freeFailures) return;
    try {
      await emailGate.consume(email, 1, { customDuration: delaySecAfter(failures) });
    } catch (error) {
      if (error instanceof RateLimiterRes) throw tooManyAttempts("account", error.msBeforeNext);
      throw error;
    }
  }

  return {
    async admit({ email, clientIp, deviceToken }) {
      const deviceNonce = signer.verify(email, deviceToken);
      // A stolen device token buys only the same few free failures as anyone else.
      const knownDevice =
        deviceNonce !== null && (await failuresOf(deviceFailures, deviceNonce)) < options.freeFailures
          ? deviceNonce
          : null;
      if (knownDevice === null) await refuseUnknownDevice(email, clientIp);

      return {
        async failed() {
          await addressFailures.penalty(clientIp);
          if (knownDevice !== null) {
            await deviceFailures.penalty(knownDevice);
            return;
          }
          const { consumedPoints: failures } = await emailFailures.penalty(email);
          // The wait runs from this failure, however long checking the password took.
          if (failures >= options.freeFailures) await emailGate.block(email, delaySecAfter(failures));
        },
        async succeeded() {
          await Promise.all([
            emailFailures.delete(email),
            emailGate.delete(email),
            deviceNonce ? deviceFailures.delete(deviceNonce) : false,
          ]);
          return signer.issue(email);
        },
      };
    },
  };
}
