// Login protection in OWASP's shape, on rate-limiter-flexible: only failed sign-ins count against
// anyone, per email, per address and per known device. Each attempt reserves its point before the
// password is checked (an atomic increment, in Redis when there is one), keeps it when it fails and
// gives it back otherwise, so guesses sent at once are counted exactly as guesses sent one after
// another. Past a few free failures an email slows down (one attempt per doubling delay) rather than
// locking; an address has a budget for unknown devices; a correct password from a device that
// signed in to that email before is refused by neither. Must never count a success against anyone.
import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../../domain/app-error.ts";
import { createKnownDeviceSigner } from "./known-device.ts";
import { createRateCounter, waitText } from "./rate-counter.ts";

export type TLoginProtectionOptions = {
  /** Failed sign-ins per email (or known device) before each further attempt must wait. */
  freeFailures: number;
  /** The longest wait between attempts on one email; waits double from one second up to it. */
  maxDelayMs: number;
  /** Failed sign-ins from unknown devices one address may make per window before they are refused. */
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
  /** The password was wrong: the attempt's reserved points stay, as failures. */
  failed(): Promise<void>;
  /** Gives the points back, forgets the email's failures, and returns a known-device token to keep. */
  succeeded(): Promise<string>;
  /** The password could not be checked (an error): gives the points back. */
  abandoned(): Promise<void>;
};

export type LoginProtection = {
  /**
   * Reserves the attempt's points, or throws TOO_MANY_REQUESTS (holding none) when it must wait.
   * The caller must then settle it: failed(), succeeded() or abandoned().
   */
  admit(attempt: TLoginAttempt): Promise<TAdmittedAttempt>;
};

/**
 * How long the one attempt let through past an email's free failures holds the way closed: longer
 * than any password check, so no other starts meanwhile. Its failure then starts the real wait.
 */
const GATE_HOLD_SEC = 10;

function counter(options: TLoginProtectionOptions, keyPrefix: string, durationSec: number) {
  return createRateCounter({ keyPrefix: `login:${keyPrefix}`, points: 1, durationSec, redis: options.redis });
}

/** Counts one more attempt on `key`, atomically; resolves with the count, this attempt included. */
async function reserve(attempts: RateLimiterAbstract, key: string): Promise<number> {
  return (await attempts.penalty(key)).consumedPoints;
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
  // Each counts failures plus the attempts being checked right now.
  const emailAttempts = counter(options, "email", windowSec);
  const addressAttempts = counter(options, "address", windowSec);
  const deviceAttempts = counter(options, "device", windowSec);
  // Past the free failures, one attempt per delay: consume() on a key is atomic, so parallel guesses
  // cannot slip through together; a failure then restarts the wait from its own time (block()).
  const emailGate = counter(options, "gate", maxDelaySec);
  const signer = createKnownDeviceSigner(options.deviceSecret);

  /** The wait after `failures` failed sign-ins on one email: none while free, then doubling from 1 s. */
  const delaySecAfter = (failures: number) => Math.min(2 ** (failures - options.freeFailures), maxDelaySec);

  /** The device's nonce, its point reserved, when its token is good for `email` and has free failures left. */
  async function reserveKnownDevice(email: string, deviceToken: string | null): Promise<string | null> {
    const nonce = signer.verify(email, deviceToken);
    if (nonce === null) return null;
    // A stolen device token buys only the same few free failures as anyone else.
    if ((await reserve(deviceAttempts, nonce)) <= options.freeFailures) return nonce;
    await deviceAttempts.reward(nonce);
    return null;
  }

  /** Reserves the address's and the email's points, or refuses the attempt holding neither. */
  async function reserveUnknownDevice(email: string, clientIp: string): Promise<number> {
    if ((await reserve(addressAttempts, clientIp)) > options.addressFailures) {
      const { msBeforeNext } = await addressAttempts.reward(clientIp);
      throw tooManyAttempts("network", msBeforeNext);
    }
    const attempts = await reserve(emailAttempts, email);
    if (attempts < options.freeFailures) return attempts;
    try {
      await emailGate.consume(email, 1, { customDuration: GATE_HOLD_SEC });
      return attempts;
    } catch (error) {
      await Promise.all([addressAttempts.reward(clientIp), emailAttempts.reward(email)]);
      if (error instanceof RateLimiterRes) throw tooManyAttempts("account", error.msBeforeNext);
      throw error;
    }
  }

  async function forgetEmailFailures(email: string) {
    await Promise.all([emailAttempts.delete(email), emailGate.delete(email)]);
  }

  function knownDeviceAttempt(email: string, nonce: string): TAdmittedAttempt {
    return {
      async failed() {},
      async succeeded() {
        await Promise.all([forgetEmailFailures(email), deviceAttempts.delete(nonce)]);
        return signer.issue(email);
      },
      async abandoned() {
        await deviceAttempts.reward(nonce);
      },
    };
  }

  function unknownDeviceAttempt(email: string, clientIp: string, attempts: number): TAdmittedAttempt {
    const isPastFreeFailures = attempts >= options.freeFailures;
    return {
      async failed() {
        // The wait runs from this failure, however long checking the password took.
        if (isPastFreeFailures) await emailGate.block(email, delaySecAfter(attempts));
      },
      async succeeded() {
        await Promise.all([addressAttempts.reward(clientIp), forgetEmailFailures(email)]);
        return signer.issue(email);
      },
      async abandoned() {
        await Promise.all([
          addressAttempts.reward(clientIp),
          emailAttempts.reward(email),
          isPastFreeFailures ? emailGate.delete(email) : false,
        ]);
      },
    };
  }

  return {
    async admit({ email, clientIp, deviceToken }) {
      const knownDevice = await reserveKnownDevice(email, deviceToken);
      if (knownDevice !== null) return knownDeviceAttempt(email, knownDevice);
      return unknownDeviceAttempt(email, clientIp, await reserveUnknownDevice(email, clientIp));
    },
  };
}
