// Response targets (SLA clocks): when a handoff is due, whether it is overdue, and how a clock
// reads as time passes. Zod-free and pure, so the server and the browser compute the same thing.
import type { HANDOFF_PRIORITIES } from "./constants.ts";

/** A handoff's priority (the schemas' THandoffPriority, read from the list it is made of). */
type THandoffPriority = (typeof HANDOFF_PRIORITIES)[number];

/** The escalation policy, every duration in minutes (the `policy.get` / `policy.update` contract). */
export type TEscalationPolicy = {
  /** How long after it was raised a handoff of each priority may wait unclaimed. */
  targets: Record<THandoffPriority, number>;
  /** Re-pages (overdue, idle claims) repeat this often… */
  repeatEvery: number;
  /** …at most this many times after the first. */
  repeatMax: number;
  /** A claim with no session entry or branch change for this long re-pages the claimer, then the tier. */
  idleClaimAfter: number;
  /** No policy page goes out this long after the escalation was raised. */
  maxLifetime: number;
};

const MINUTE_MS = 60_000;
const HOUR = 60;
/**
 * "One business day" is 24 hours of elapsed time: targets run round the clock (there are no
 * business hours or holiday calendars), so a low-priority escalation raised on Friday evening is
 * due on Saturday evening. An admin who means something else sets the target in minutes.
 */
export const BUSINESS_DAY_MINUTES = 24 * HOUR;

export const DEFAULT_ESCALATION_POLICY: TEscalationPolicy = {
  targets: { urgent: 15, high: HOUR, normal: 4 * HOUR, low: BUSINESS_DAY_MINUTES },
  repeatEvery: 15,
  repeatMax: 3,
  idleClaimAfter: 30,
  maxLifetime: 3 * BUSINESS_DAY_MINUTES,
};

/** Bounds policy.update accepts (minutes, except repeatMax). */
export const POLICY_LIMITS = {
  targetMax: 30 * BUSINESS_DAY_MINUTES,
  repeatEveryMin: 5,
  repeatEveryMax: 7 * BUSINESS_DAY_MINUTES,
  repeatMaxMax: 20,
  idleClaimAfterMin: 5,
  idleClaimAfterMax: 7 * BUSINESS_DAY_MINUTES,
  maxLifetimeMax: 90 * BUSINESS_DAY_MINUTES,
} as const;

/** created + the target of its priority. */
export function dueAtOf(createdAt: Date, priority: THandoffPriority, policy: TEscalationPolicy): Date {
  return new Date(createdAt.getTime() + policy.targets[priority] * MINUTE_MS);
}

/**
 * Whether the handoff missed its target: still waiting past it, or answered (claimed, or
 * withdrawn) only after it.
 */
export function isOverdue(
  dueAt: Date,
  now: Date,
  settled?: { claimedAt?: Date | null; cancelledAt?: Date | null },
): boolean {
  const answeredAt = settled?.claimedAt ?? settled?.cancelledAt ?? now;
  return answeredAt.getTime() >= dueAt.getTime();
}

export type TSlaTone = "ok" | "nearing" | "overdue";

/** Where a waiting handoff's clock stands: ms left (negative once overdue) and its ageing colour. */
export function slaClock(
  card: { createdAt: string; dueAt: string },
  now: number,
): { msLeft: number; tone: TSlaTone; label: string } {
  const due = Date.parse(card.dueAt);
  const total = Math.max(1, due - Date.parse(card.createdAt));
  const msLeft = due - now;
  // Nearing: the last quarter of the target (at least the last minute).
  const tone: TSlaTone =
    msLeft <= 0 ? "overdue" : msLeft <= Math.max(MINUTE_MS, total / 4) ? "nearing" : "ok";
  return {
    msLeft,
    tone,
    label: msLeft <= 0 ? `${formatSpan(-msLeft)} overdue` : `${formatSpan(msLeft)} left`,
  };
}

/** A span as a person reads it on a card: "45 s", "12 min", "3 h 5 min", "4 h", "2 d 4 h", "1 d". */
export function formatSpan(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1_000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return withRest(`${hours} h`, minutes % 60, "min");
  return withRest(`${Math.floor(hours / 24)} d`, hours % 24, "h");
}

/** "4 h" rather than "4 h 0 min": a zero second part says nothing. */
function withRest(whole: string, rest: number, unit: string): string {
  return rest === 0 ? whole : `${whole} ${rest} ${unit}`;
}
