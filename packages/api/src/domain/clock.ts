// The time services and the job worker read, injected so tests can move it without sleeping.
// Production uses the system clock; nothing here may schedule real timers.

export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

export type ManualClock = Clock & {
  /** Moves the time forward by `ms`. */
  advance(ms: number): void;
  set(at: Date): void;
};

/** A clock that stands still until told: starts at `start` (default: the real time now). */
export function createManualClock(start = new Date()): ManualClock {
  let at = start.getTime();
  return {
    now: () => new Date(at),
    advance(ms) {
      at += ms;
    },
    set(date) {
      at = date.getTime();
    },
  };
}
