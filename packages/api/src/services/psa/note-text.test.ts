import { describe, expect, it } from "vitest";
import { escalatedNoteText, noteMarker } from "./note-text.ts";

const facts = {
  handedOffBy: "Erin Engineer",
  priority: "high",
  problemSummary: "VPN drops every 10 minutes",
  problemDomain: "Network",
  confidenceTier: "low",
  stepCount: 1,
  engineerNotes: "Client on site\u0007 until 5pm",
  assessment: null,
  steps: ["Updated the VPN client"],
  deadEnds: [],
  activeBranch: null,
  link: "https://handoff.example.com/handoffs/h1",
};

describe("the escalation note", () => {
  it("includes the assessment when one is stored, and says who wrote it", () => {
    const text = escalatedNoteText(
      {
        ...facts,
        assessment: {
          likelyCause: "DHCP lease shorter than the VPN keepalive",
          risk: "medium",
          confidence: "medium",
          nextChecks: ["Check the DHCP lease time", "Compare keepalive settings"],
          missingInformation: ["Firewall model"],
          source: "model",
          model: "claude-x",
        },
      },
      noteMarker("n-1"),
    );
    expect(text).toContain(
      "Assessment (AI, claude-x):\nLikely cause: DHCP lease shorter than the VPN keepalive",
    );
    expect(text).toContain("Next checks:\n1. Check the DHCP lease time\n2. Compare keepalive settings");
    expect(text).toContain("Missing information:\n- Firewall model");
    expect(text.endsWith("Ref: handoff-note-n-1")).toBe(true);
  });

  it("without an assessment it lists what was tried, with control characters removed", () => {
    const text = escalatedNoteText(facts, noteMarker("n-2"));
    expect(text).not.toContain("Assessment");
    expect(text).toContain("Engineer's notes:\nClient on site until 5pm");
    expect(text).toContain("What was tried:\n- Updated the VPN client");
  });
});
