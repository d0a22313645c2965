// One queue card as one terminal line: priority, summary, domain, who handed it off, the SLA clock
// (as the web app's card shows it, from the shared slaClock) and the id to claim it by.
import {
  slaClock,
  type THandoffCard,
  type THandoffPriority,
  type TSlaTone,
} from "@handoff/api/client-contract";
import type { Output } from "./output.ts";

const PRIORITY_STYLE: Record<THandoffPriority, Parameters<Output["paint"]>[0]> = {
  urgent: ["bold", "red"],
  high: "red",
  normal: "yellow",
  low: "dim",
};

const SLA_STYLE: Record<TSlaTone, Parameters<Output["paint"]>[0]> = {
  ok: "green",
  nearing: "yellow",
  overdue: ["bold", "red"],
};

export function cardLine(out: Output, card: THandoffCard, now: number): string {
  const priority = out.paint(PRIORITY_STYLE[card.priority], card.priority.toUpperCase().padEnd(6));
  const kind = card.intent === "park" ? "parked" : "escalation";
  const sla = slaClock(card, now);
  const ticket = card.psaTicketId ? ` · ticket ${card.psaTicketId}` : "";
  return [
    `${priority} ${out.paint("bold", card.problemSummary)}`,
    `${card.problemDomain} · ${kind} from ${card.handedOffBy.name}${ticket}`,
    `SLA ${out.paint(SLA_STYLE[sla.tone], sla.label)}`,
    out.paint("dim", card.id),
  ].join("  ");
}
