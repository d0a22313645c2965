// What a Teams or Slack message about an escalation says, before either format renders it: a
// headline per event, the facts an engineer triages by, an excerpt of the notes (or the
// resolution), and the link into Handoff. Plain text; each format escapes it its own way.
import { z } from "zod";
import type { THandoffCard } from "../../schemas/outputs.ts";
import { WEBHOOK_TEST_EVENT } from "../../schemas/webhooks.ts";

export const EXCERPT_CHARS = 300;

export type TChatContent = {
  headline: string;
  /** [label, value] pairs; values are plain text. */
  facts: Array<[string, string]>;
  /** The SLA target, rendered in each reader's own time zone by the chat app. */
  dueAt: Date | null;
  /** Notes or resolution, cut to EXCERPT_CHARS. */
  excerpt: { label: string; text: string } | null;
  link: { label: string; url: string };
  /** One line for notifications and clients that show no card. */
  fallback: string;
};

const ZResolution = z.object({ resolution: z.string(), resolvedBy: z.string() });

export function excerptOf(text: string): string {
  const oneSpaced = text.replace(/[ \t]+/g, " ").trim();
  return oneSpaced.length > EXCERPT_CHARS ? `${oneSpaced.slice(0, EXCERPT_CHARS - 1)}…` : oneSpaced;
}

const capitalised = (word: string) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`;

export function chatContent(type: string, data: Record<string, unknown>, appOrigin: string): TChatContent {
  if (type === WEBHOOK_TEST_EVENT) {
    return {
      headline: "Test message from Handoff",
      facts: [],
      dueAt: null,
      excerpt: null,
      link: { label: "Open Handoff", url: appOrigin },
      fallback: "Test message from Handoff: this channel will receive escalations.",
    };
  }
  const handoff = data.handoff as THandoffCard;
  const url = `${appOrigin}/handoffs/${handoff.id}`;
  const headline =
    {
      "handoff.created": `New ${handoff.priority} escalation: ${handoff.problemSummary}`,
      "handoff.overdue": `Overdue, still unclaimed: ${handoff.problemSummary}`,
      "handoff.claimed": `Claimed by ${handoff.claimedBy?.name ?? "someone"}: ${handoff.problemSummary}`,
      "handoff.resolved": `Resolved: ${handoff.problemSummary}`,
    }[type] ?? `${type}: ${handoff.problemSummary}`;
  const facts: Array<[string, string]> = [
    ["Priority", capitalised(handoff.priority)],
    ["Domain", handoff.problemDomain],
    ["Escalated by", handoff.handedOffBy.name],
  ];
  if (handoff.team) facts.push(["Team", handoff.team.name]);
  if (handoff.psaTicketId) facts.push(["Ticket", handoff.psaTicketId]);
  if (handoff.assessment) facts.push(["Likely cause", excerptOf(handoff.assessment.likelyCause)]);
  const resolved = type === "handoff.resolved" ? ZResolution.safeParse(data) : null;
  const excerpt = resolved?.success
    ? { label: `Resolution (${resolved.data.resolvedBy})`, text: excerptOf(resolved.data.resolution) }
    : handoff.notes
      ? { label: "Notes", text: excerptOf(handoff.notes) }
      : null;
  const isOpen = type === "handoff.created" || type === "handoff.overdue";
  return {
    headline,
    facts,
    dueAt: isOpen ? new Date(handoff.dueAt) : null,
    excerpt,
    link: { label: "Open in Handoff", url },
    fallback: `${headline} (${capitalised(handoff.priority)}, ${handoff.problemDomain})`,
  };
}
