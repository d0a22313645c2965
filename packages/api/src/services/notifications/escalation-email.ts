// The email a teammate receives when a session is escalated.
import type { THandoffCard } from "../../schemas/outputs.ts";
import { formatSpan } from "../../shared/sla.ts";
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

/**
 * A policy re-page: "overdue:N" (still unclaimed past its target) or "idle:N" (claimed, and
 * nothing logged for a while). Links to the handoff itself.
 */
export function repageEmail(
  handoff: THandoffCard,
  reason: string,
  appOrigin: string,
  now: Date,
): { subject: string; text: string; html: string } {
  const handoffUrl = new URL(`/handoffs/${encodeURIComponent(handoff.id)}`, appOrigin).toString();
  const priority = handoff.priority.toUpperCase();
  const summary = asHeaderText(handoff.problemSummary);
  const isIdle = reason.startsWith("idle:");
  const waited = formatSpan(
    now.getTime() - Date.parse(isIdle ? (handoff.claimedAt ?? handoff.createdAt) : handoff.createdAt),
  );
  const subject = isIdle
    ? `[${priority}] Claimed, no activity: ${summary}`
    : `[${priority}] Overdue, unclaimed for ${waited}: ${summary}`;
  const lead = isIdle
    ? `${handoff.claimedBy?.name ?? "Someone"} claimed this escalation ${waited} ago and nothing has been logged on it for a while. Is it still being worked?`
    : `${handoff.handedOffBy.name}'s escalation has waited ${waited} without a claim: it is past its response target (due ${handoff.dueAt}).`;
  const text = [
    lead,
    "",
    `Problem: ${handoff.problemSummary} (${handoff.problemDomain})`,
    `Priority: ${priority}`,
    "",
    `Open the escalation: ${handoffUrl}`,
  ].join("\n");
  const html = `<p>${escapeHtml(lead)}</p>
<p><strong>Problem:</strong> ${escapeHtml(handoff.problemSummary)} (${escapeHtml(handoff.problemDomain)})<br>
<strong>Priority:</strong> ${priority}</p>
<p><a href="${escapeHtml(handoffUrl)}">Open the escalation</a></p>`;
  return { subject, text, html };
}
