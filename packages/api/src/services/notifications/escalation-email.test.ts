import { describe, expect, it } from "vitest";
import type { THandoffCard } from "../../schemas/outputs.ts";
import { escalationEmail } from "./escalation-email.ts";

const card: THandoffCard = {
  id: "h1",
  sessionId: "s1",
  intent: "escalate",
  priority: "urgent",
  problemSummary: "VPN drops <every> 10 min",
  problemDomain: "network",
  notes: "Tried MTU 1400 & rekey",
  stepCount: 7,
  confidenceTier: "low",
  psaTicketId: null,
  psaTicketUrl: null,
  team: null,
  handedOffBy: { id: "u1", name: "Alice Chen" },
  createdAt: "2026-11-23T10:00:00.000Z",
  claimedBy: null,
  claimedAt: null,
  assessment: null,
  dueAt: "2026-11-23T10:15:00.000Z",
  overdue: false,
};

describe("escalation email", () => {
  it("names the problem, the priority, the reason and links to the queue", () => {
    const email = escalationEmail(card, "https://handoff.example.com");
    expect(email.subject).toBe("[URGENT] Escalation: VPN drops <every> 10 min");
    expect(email.text).toContain("Reason: Tried MTU 1400 & rekey");
    expect(email.text).toContain("https://handoff.example.com/escalations");
    expect(email.html).toContain('href="https://handoff.example.com/escalations"');
  });

  it("escapes user text in the HTML body", () => {
    const { html } = escalationEmail(card, "http://localhost:3000");
    expect(html).toContain("VPN drops &#60;every&#62; 10 min");
    expect(html).toContain("MTU 1400 &#38; rekey");
    expect(html).not.toContain("<every>");
  });

  it("keeps the subject on one line whatever the session title holds", () => {
    const hostile = {
      ...card,
      problemSummary: "VPN\r\nBcc: everyone@example.com\n\tdrops\u2028again\u0000\u0085",
    };
    const { subject } = escalationEmail(hostile, "http://localhost:3000");
    expect(subject).toBe("[URGENT] Escalation: VPN Bcc: everyone@example.com drops again");
    expect(subject).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
    const long = escalationEmail({ ...card, problemSummary: "x".repeat(400) }, "http://localhost:3000");
    expect(long.subject.length).toBeLessThanOrEqual(180);
  });
});
