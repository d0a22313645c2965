import { describe, expect, it } from "vitest";
import { DEFAULT_ESCALATION_POLICY, dueAtOf, formatSpan, isOverdue, slaClock } from "./sla.ts";

const created = new Date("2026-11-23T10:00:00.000Z");
const at = (iso: string) => new Date(`2026-11-23T${iso}.000Z`);

describe("due times", () => {
  it("is created + the target of its priority under the default policy (low: one business day = 24 h)", () => {
    const due = (priority: "urgent" | "high" | "normal" | "low") =>
      dueAtOf(created, priority, DEFAULT_ESCALATION_POLICY).toISOString();
    expect(due("urgent")).toBe("2026-11-23T10:15:00.000Z");
    expect(due("high")).toBe("2026-11-23T11:00:00.000Z");
    expect(due("normal")).toBe("2026-11-23T14:00:00.000Z");
    expect(due("low")).toBe("2026-11-24T10:00:00.000Z");
  });

  it("follows the policy it is given", () => {
    const policy = {
      ...DEFAULT_ESCALATION_POLICY,
      targets: { ...DEFAULT_ESCALATION_POLICY.targets, high: 30 },
    };
    expect(dueAtOf(created, "high", policy).toISOString()).toBe("2026-11-23T10:30:00.000Z");
  });
});

describe("overdue", () => {
  const due = at("10:15:00");
  it("is false before the target and true from it on while it waits", () => {
    expect(isOverdue(due, at("10:14:59"))).toBe(false);
    expect(isOverdue(due, at("10:15:00"))).toBe(true);
    expect(isOverdue(due, at("12:00:00"), { claimedAt: null, cancelledAt: null })).toBe(true);
  });
  it("a claimed handoff is overdue only if it was claimed after its target, however late it is now", () => {
    expect(isOverdue(due, at("12:00:00"), { claimedAt: at("10:10:00") })).toBe(false);
    expect(isOverdue(due, at("12:00:00"), { claimedAt: at("10:20:00") })).toBe(true);
  });
});

describe("the SLA clock on a card", () => {
  const card = { createdAt: created.toISOString(), dueAt: at("11:00:00").toISOString() };
  it("reads time left, nears in the last quarter of the target, and counts up once overdue", () => {
    expect(slaClock(card, at("10:30:00").getTime())).toEqual({
      msLeft: 30 * 60_000,
      tone: "ok",
      label: "30 min left",
    });
    expect(slaClock(card, at("10:45:00").getTime()).tone).toBe("nearing");
    expect(slaClock(card, at("11:00:00").getTime())).toMatchObject({ tone: "overdue", label: "0 s overdue" });
    expect(slaClock(card, at("13:05:00").getTime()).label).toBe("2 h 5 min overdue");
  });
  it("formats spans as people read them", () => {
    expect(formatSpan(42_000)).toBe("42 s");
    expect(formatSpan(12 * 60_000)).toBe("12 min");
    expect(formatSpan(52 * 3_600_000)).toBe("2 d 4 h");
    expect(formatSpan(4 * 3_600_000)).toBe("4 h");
    expect(formatSpan(24 * 3_600_000)).toBe("1 d");
  });
});
