import { describe, expect, it } from "vitest";
import type { THandoffCard, TSessionSnapshot } from "../../schemas/outputs.ts";
import { writeBriefing } from "./briefing.ts";

const card = {
  intent: "escalate",
  handedOffBy: { id: "u1", name: "Alice Moreno" },
  notes: "Customer is the CFO",
} as THandoffCard;

const snapshot: TSessionSnapshot = {
  problemSummary: "Outlook keeps asking for a password",
  problemDomain: "Microsoft 365",
  status: "active",
  stepCount: 4,
  confidenceTier: "low",
  psaTicketId: null,
  activeBranchId: "b3",
  branches: [
    { id: "b1", parentId: null, label: "Credentials", status: "dead_end", outcome: "Credential loop." },
    {
      id: "b2",
      parentId: null,
      label: "Autodiscover",
      status: "dead_end",
      outcome: "CNAME points at outlook.com.",
    },
    { id: "b3", parentId: null, label: "Rebuild the profile.", status: "open", outcome: null },
  ],
  recentMessages: [],
};

describe("writeBriefing", () => {
  it("tells who handed off what, what was ruled out and what was in progress, in clean sentences", () => {
    expect(writeBriefing(card, snapshot)).toBe(
      'Alice Moreno escalated "Outlook keeps asking for a password" (Microsoft 365) after 4 steps, at low confidence. ' +
        "Ruled out: Credential loop; CNAME points at outlook.com. Was working on: Rebuild the profile.",
    );
  });

  it("leaves out the step count before any step and does not repeat the notes", () => {
    const briefing = writeBriefing({ ...card, intent: "park" }, { ...snapshot, stepCount: 0, branches: [] });
    expect(briefing).toBe(
      'Alice Moreno parked "Outlook keeps asking for a password" (Microsoft 365) at low confidence.',
    );
    expect(briefing).not.toContain("Customer is the CFO");
  });
});
