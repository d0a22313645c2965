// The email a teammate receives when a session is escalated.
import type { THandoffCard } from "../../schemas/outputs.ts";

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

const SUBJECT_TEXT_MAX = 150;

/**
 * Text fit for a header: a line break (or any control character) in a session title must never
 * reach the Subject line, where it would start a new header or body.
 */
function asHeaderText(value: string): string {
  const oneLine = value
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return oneLine.length > SUBJECT_TEXT_MAX ? `${oneLine.slice(0, SUBJECT_TEXT_MAX - 1)}…` : oneLine;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
