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
  it("carries the model's answer as plain text: no tags, markdown links reduced to their text, no script or data URLs", () => {
    const text = escalatedNoteText(
      {
        ...facts,
        assessment: {
          likelyCause:
            'Stale <b>DHCP</b> lease<script src="https://evil.example/x.js"></script><img src=x onerror=alert(1)>',
          riskReason:
            "See [the fix](javascript:alert(document.cookie)) and ![chart](data:image/png;base64,AAAA)",
          nextChecks: [
            "Run [this script](https://evil.example/payload.ps1) as admin",
            "Open javascript:alert(1) or data:text/html,<h1>x</h1> in a browser",
            "Read [the guide][1]\n[1]: https://evil.example/guide",
            "Check the \u202Elease\u202C time <!-- hidden -->",
          ],
          missingInformation: ['<a href="https://evil.example">Firewall model</a>'],
          priorSessions: [
            {
              sessionId: "s-1",
              problemSummary: "VPN <i>drops</i> [fixed here](javascript:alert(1)) <script>x()</script>",
            },
          ],
          risk: "low",
          source: "model",
        },
      },
      noteMarker("n-1"),
    );
    expect(text).toContain("Likely cause: Stale DHCP lease\n");
    expect(text).toContain("Risk: low (See the fix and chart)");
    expect(text).toContain(
      [
        "Next checks:",
        "1. Run this script as admin",
        "2. Open or in a browser",
        "3. Read the guide",
        "4. Check the lease time",
      ].join("\n"),
    );
    expect(text).toContain("Missing information:\n- Firewall model");
    expect(text).toContain(
      "Resolved before (the sessions the likely cause comes from):\n- VPN drops fixed here",
    );
    for (const hostile of ["<", "javascript:", "data:", "evil.example", "](", "\u202E"]) {
      expect(text, hostile).not.toContain(hostile);
    }
  });

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
