// The email a teammate receives when a session is escalated.
import type { THandoffCard } from "../../schemas/outputs.ts";
import { asHeaderText, escapeHtml } from "./email-text.ts";

export function escalationEmail(
  handoff: THandoffCard,
  appOrigin: string,
): { subject: string; text: string; html: string } {
  const queueUrl = new URL("/escalations", appOrigin).toString();
  const priority = handoff.priority.toUpperCase();
  const subject = `[${priority}] Escalation: ${asHeaderText(handoff.problemSummary)}`;
  const reason = handoff.notes?.trim() || "No notes were added.";
  const text = [
    `${handoff.handedOffBy.name} escalated a session and needs a senior tech.`,
    "",
    `Problem: ${handoff.problemSummary} (${handoff.problemDomain})`,
    `Priority: ${priority}`,
    `Reason: ${reason}`,
    "",
    `Open the escalation queue: ${queueUrl}`,
  ].join("\n");
  const html = `<p>${escapeHtml(handoff.handedOffBy.name)} escalated a session and needs a senior tech.</p>
<p><strong>Problem:</strong> ${escapeHtml(handoff.problemSummary)} (${escapeHtml(handoff.problemDomain)})<br>
<strong>Priority:</strong> ${priority}<br>
<strong>Reason:</strong> ${escapeHtml(reason)}</p>
<p><a href="${escapeHtml(queueUrl)}">Open the escalation queue</a></p>`;
  return { subject, text, html };
}
