// A short plain-language briefing of what was tried, for the senior picking a handoff up.
// The engineer's notes are shown beside it, so they are not repeated here.
import type { THandoffCard, TSessionSnapshot } from "../../schemas/outputs.ts";

export function writeBriefing(card: THandoffCard, snapshot: TSessionSnapshot): string {
  const verb = card.intent === "escalate" ? "escalated" : "parked";
  const effort =
    snapshot.stepCount > 0
      ? ` after ${snapshot.stepCount} ${snapshot.stepCount === 1 ? "step" : "steps"},`
      : "";
  const sentences = [
    `${card.handedOffBy.name} ${verb} "${snapshot.problemSummary}" (${snapshot.problemDomain})${effort} at ${snapshot.confidenceTier} confidence`,
  ];
  const deadEnds = snapshot.branches.filter((branch) => branch.status === "dead_end");
  if (deadEnds.length > 0) {
    sentences.push(
      `Ruled out: ${deadEnds.map((branch) => asPhrase(branch.outcome ?? branch.label)).join("; ")}`,
    );
  }
  const active = snapshot.branches.find((branch) => branch.id === snapshot.activeBranchId);
  if (active) sentences.push(`Was working on: ${asPhrase(active.label)}`);
  return sentences.map((sentence) => `${sentence}.`).join(" ");
}

/** Free text without its closing full stop, so it can sit inside a sentence. */
function asPhrase(text: string): string {
  return text.trim().replace(/[.;\s]+$/, "");
}
