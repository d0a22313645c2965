// A short plain-language briefing of what was tried, for the senior picking a handoff up.
import type { THandoffCard, TSessionSnapshot } from "../schemas/outputs.ts";

export function writeBriefing(card: THandoffCard, snapshot: TSessionSnapshot): string {
  const verb = card.intent === "escalate" ? "escalated" : "parked";
  const lines = [
    `${card.handedOffBy.name} ${verb} "${snapshot.problemSummary}" (${snapshot.problemDomain}) after ${snapshot.stepCount} ${
      snapshot.stepCount === 1 ? "step" : "steps"
    }, at ${snapshot.confidenceTier} confidence.`,
  ];
  const deadEnds = snapshot.branches.filter((branch) => branch.status === "dead_end");
  if (deadEnds.length > 0) {
    lines.push(`Ruled out: ${deadEnds.map((branch) => branch.outcome ?? branch.label).join("; ")}.`);
  }
  const active = snapshot.branches.find((branch) => branch.id === snapshot.activeBranchId);
  if (active) lines.push(`Was working on: ${active.label}.`);
  if (card.notes) lines.push(`Notes: ${card.notes}`);
  return lines.join(" ");
}
