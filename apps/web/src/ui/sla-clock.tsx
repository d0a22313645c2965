// A waiting handoff's response clock: time left to its target (dueAt), in a colour that ages as
// it nears and passes it. Computed from the viewer's clock every render, so it stays true live.
import { slaClock, type THandoffCard } from "@handoff/api/client-contract";
import "./badges.css";

export function SlaClock({ card, now }: { card: Pick<THandoffCard, "createdAt" | "dueAt">; now: number }) {
  const { tone, label } = slaClock(card, now);
  return (
    <time
      className={`sla-clock sla-clock--${tone}`}
      dateTime={card.dueAt}
      title={`Response target: ${new Date(card.dueAt).toLocaleString()}`}
      data-testid="sla-clock"
      data-tone={tone}
    >
      {label}
    </time>
  );
}

export function isOverdueAt(card: Pick<THandoffCard, "dueAt">, now: number): boolean {
  return Date.parse(card.dueAt) <= now;
}
