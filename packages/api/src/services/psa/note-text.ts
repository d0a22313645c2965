// The text of the internal notes Handoff adds to PSA tickets: plain text, control characters
// removed, each part capped, ending with the marker that lets a retry find a note already added.
// Session text is the engineers' own; it is quoted, never interpreted. The assessment may be the
// model's words, so it is reduced to plain text first (no tags, links or script URLs).
import { z } from "zod";
import { plainModelText } from "../assistant/plain-model-text.ts";

export type TEscalatedNoteFacts = {
  handedOffBy: string;
  priority: string;
  problemSummary: string;
  problemDomain: string;
  confidenceTier: string;
  stepCount: number;
  engineerNotes: string | null;
  assessment: unknown;
  steps: string[];
  deadEnds: Array<{ label: string; outcome: string | null }>;
  activeBranch: string | null;
  link: string;
};

const MAX_PART = 2_000;
const MAX_ITEMS = 15;

/** The marker a note carries: letters, digits and dashes only, so PSA searches need no escaping. */
export const noteMarker = (noteId: string) => `handoff-note-${noteId.replace(/[^A-Za-z0-9-]/g, "")}`;

function clean(text: string, max = MAX_PART): string {
  const plain = text
    .replace(/\r\n?/g, "\n")
    .replace(/(?![\n\t])\p{Cc}/gu, "")
    .trim();
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}

const oneLine = (text: string, max = 300) => clean(text, max).replace(/\s*\n\s*/g, " ");

function footer(link: string, marker: string): string[] {
  return ["", `Open in Handoff: ${link}`, `Ref: ${marker}`];
}

/** What the AI helper stores on Handoff.assessment; read loosely, so an older or newer shape still shows its fields. */
const ZAssessment = z.object({
  likelyCause: z.string(),
  risk: z.string().optional(),
  riskReason: z.string().optional(),
  confidence: z.string().optional(),
  nextChecks: z.array(z.string()).optional(),
  missingInformation: z.array(z.string()).optional(),
  priorSessions: z.array(z.object({ problemSummary: z.string() })).optional(),
  source: z.string().optional(),
  model: z.string().nullish(),
});

function assessmentLines(assessment: unknown): string[] {
  const parsed = ZAssessment.safeParse(assessment);
  if (!parsed.success) return [];
  const a = parsed.data;
  const modelLine = (text: string, max?: number) => oneLine(plainModelText(text), max);
  const by =
    a.source === "model"
      ? `AI${a.model ? `, ${oneLine(a.model, 60)}` : ""}`
      : "from the session's facts, no AI";
  const lines = ["", `Assessment (${by}):`, `Likely cause: ${modelLine(a.likelyCause)}`];
  const levels = [
    a.risk && `Risk: ${modelLine(a.risk, 20)}`,
    a.confidence && `Confidence: ${modelLine(a.confidence, 20)}`,
  ];
  if (levels.some(Boolean))
    lines.push(levels.filter(Boolean).join(" · ") + (a.riskReason ? ` (${modelLine(a.riskReason)})` : ""));
  if (a.nextChecks?.length) {
    lines.push(
      "Next checks:",
      ...a.nextChecks.slice(0, MAX_ITEMS).map((check, i) => `${i + 1}. ${modelLine(check)}`),
    );
  }
  if (a.missingInformation?.length) {
    lines.push(
      "Missing information:",
      ...a.missingInformation.slice(0, MAX_ITEMS).map((item) => `- ${modelLine(item)}`),
    );
  }
  if (a.priorSessions?.length) {
    lines.push(
      "Resolved before (the sessions the likely cause comes from):",
      ...a.priorSessions.slice(0, MAX_ITEMS).map((prior) => `- ${modelLine(prior.problemSummary)}`),
    );
  }
  return lines;
}

export function escalatedNoteText(facts: TEscalatedNoteFacts, marker: string): string {
  const lines = [
    `Escalated in Handoff by ${oneLine(facts.handedOffBy, 100)} (${facts.priority} priority).`,
    `Problem: ${oneLine(facts.problemSummary)} [${oneLine(facts.problemDomain, 80)}]`,
    `Confidence: ${facts.confidenceTier} after ${facts.stepCount} ${facts.stepCount === 1 ? "step" : "steps"}.`,
  ];
  if (facts.engineerNotes?.trim()) lines.push("", "Engineer's notes:", clean(facts.engineerNotes));
  lines.push(...assessmentLines(facts.assessment));
  lines.push("", "What was tried:");
  if (facts.steps.length > 0) {
    const shown = facts.steps.slice(-MAX_ITEMS);
    if (facts.steps.length > shown.length)
      lines.push(`(last ${shown.length} of ${facts.steps.length} steps)`);
    lines.push(...shown.map((step) => `- ${oneLine(step)}`));
  } else {
    lines.push("- No steps recorded.");
  }
  if (facts.deadEnds.length > 0) {
    lines.push(
      "Dead ends:",
      ...facts.deadEnds
        .slice(0, MAX_ITEMS)
        .map(
          (branch) =>
            `- ${oneLine(branch.label, 120)}${branch.outcome ? `: ${oneLine(branch.outcome)}` : ""}`,
        ),
    );
  }
  if (facts.activeBranch) lines.push(`Working on: ${oneLine(facts.activeBranch, 120)}`);
  return [...lines, ...footer(facts.link, marker)].join("\n");
}

export function claimedNoteText(
  facts: { claimedBy: string; handedOffBy: string; intent: "ESCALATE" | "PARK"; link: string },
  marker: string,
): string {
  const what = facts.intent === "ESCALATE" ? "escalation" : "parked session";
  return [
    `Claimed in Handoff by ${oneLine(facts.claimedBy, 100)}, who now works this ticket (${what} from ${oneLine(facts.handedOffBy, 100)}).`,
    ...footer(facts.link, marker),
  ].join("\n");
}

export function resolvedNoteText(
  facts: { resolvedBy: string; resolution: string; link: string },
  marker: string,
): string {
  return [
    `Resolved in Handoff by ${oneLine(facts.resolvedBy, 100)}.`,
    "",
    "Resolution:",
    clean(facts.resolution),
    ...footer(facts.link, marker),
  ].join("\n");
}
