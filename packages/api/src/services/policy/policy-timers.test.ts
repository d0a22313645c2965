import { describe, expect, it } from "vitest";
import { DEFAULT_ESCALATION_POLICY } from "../../shared/sla.ts";
import { plannedPage } from "./policy-timers.ts";

const policy = {
  ...DEFAULT_ESCALATION_POLICY,
  repeatEvery: 10,
  repeatMax: 2,
  idleClaimAfter: 30,
  maxLifetime: 120,
};
const created = new Date("2026-11-23T10:00:00.000Z");
const time = (page: ReturnType<typeof plannedPage>) => page?.at.toISOString().slice(11, 16) ?? null;
const base = { id: "h", accountId: "a", createdAt: created, priority: "URGENT" as const };

describe("the policy's pages", () => {
  it("unclaimed: the tier at the target, then every repeatEvery, repeatMax times", () => {
    const handoff = { ...base, claimedAt: null, policyClockAt: null };
    expect([0, 1, 2, 3].map((step) => time(plannedPage(handoff, policy, step)))).toEqual([
      "10:15",
      "10:25",
      "10:35",
      null,
    ]);
    expect(plannedPage(handoff, policy, 0)).toMatchObject({ kind: "overdue", audience: "tier" });
  });

  it("released back to the queue after its target: one repeat interval before the pages resume", () => {
    const handoff = { ...base, claimedAt: null, policyClockAt: new Date("2026-11-23T10:40:00.000Z") };
    expect(time(plannedPage(handoff, policy, 0))).toBe("10:50");
  });

  it("claimed: the claimer after idleClaimAfter from the claim or the latest activity, then the tier", () => {
    const handoff = {
      ...base,
      claimedAt: new Date("2026-11-23T10:05:00.000Z"),
      policyClockAt: new Date("2026-11-23T10:20:00.000Z"),
    };
    expect(plannedPage(handoff, policy, 0)).toMatchObject({ audience: "claimer" });
    expect([0, 1, 2].map((step) => time(plannedPage(handoff, policy, step)))).toEqual([
      "10:50",
      "11:20",
      "11:30",
    ]);
    // Nothing at or after the maximum lifetime (12:00).
    expect(plannedPage(handoff, { ...policy, repeatEvery: 60 }, 2)).toBeNull();
  });
});
