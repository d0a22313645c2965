// One handoff in the queue: what, how urgent, from whom and how long ago, its likely cause once
// assessed (it arrives live, seconds after the card), and Claim.
// A new arrival is highlighted until it has been on screen a while or focused; a claim shows
// as the viewer's at once and says so if it had to be rolled back.
import type { TPersonRef } from "@handoff/api/client-contract";
import { type Ref, useEffect } from "react";
import { Link } from "wouter";
import { formatRelativeTime } from "../lib/relative-time.ts";
import { PresenceNote } from "../live/presence-note.tsx";
import { Confidence, IntentTag, PriorityBadge } from "../ui/badges.tsx";
import { isOverdueAt, SlaClock } from "../ui/sla-clock.tsx";
import { TicketRef } from "../ui/ticket-ref.tsx";
import { WrittenBy } from "../ui/written-by.tsx";
import type { TQueueEntry } from "./queue-reducer.ts";
import "./queue.css";

/** How long a visible new card keeps its highlight when nobody focuses it. */
const SEEN_AFTER_MS = 8_000;
/** How long the rolled-back card stays to say who has it before it leaves. */
const LOST_CARD_LINGER_MS = 4_000;

type TQueueCardProps = {
  ref?: Ref<HTMLElement>;
  entry: TQueueEntry;
  now: number;
  isHidden: boolean;
  isActive: boolean;
  canClaim: boolean;
  /** Who else has this handoff open right now. */
  viewers?: TPersonRef[];
  /** Stable callbacks taking the handoff id, so the timers below are not reset by re-renders. */
  onClaim(handoffId: string): void;
  onSeen(handoffId: string): void;
  onDismiss(handoffId: string): void;
  onFocus(handoffId: string): void;
};

export function QueueCard({
  ref,
  entry,
  now,
  isHidden,
  isActive,
  canClaim,
  viewers = [],
  onClaim,
  onSeen,
  onDismiss,
  onFocus,
}: TQueueCardProps) {
  const { card, claim, isNew } = entry;

  useEffect(() => {
    if (!isNew || isHidden) return;
    const timer = setTimeout(() => onSeen(card.id), SEEN_AFTER_MS);
    return () => clearTimeout(timer);
  }, [card.id, isNew, isHidden, onSeen]);

  useEffect(() => {
    if (claim.status !== "lost") return;
    const timer = setTimeout(() => onDismiss(card.id), LOST_CARD_LINGER_MS);
    return () => clearTimeout(timer);
  }, [card.id, claim.status, onDismiss]);

  const classes = [
    "queue-card",
    `queue-card--${card.priority}`,
    isNew && "queue-card--new",
    claim.status === "lost" && "queue-card--lost",
    claim.status === "mine" && "queue-card--mine",
    isOverdueAt(card, now) && "queue-card--overdue",
  ].filter(Boolean);

  return (
    <article
      ref={ref}
      className={classes.join(" ")}
      tabIndex={isActive ? 0 : -1}
      aria-labelledby={`card-title-${card.id}`}
      data-testid="queue-card"
      data-handoff-id={card.id}
      data-new={isNew || undefined}
      data-claim={claim.status}
      onFocus={() => {
        onFocus(card.id);
        if (isNew) onSeen(card.id);
      }}
    >
      <div className="queue-card__rail" aria-hidden="true" />
      <div className="queue-card__body">
        <div className="queue-card__top">
          {card.intent === "escalate" && <PriorityBadge priority={card.priority} />}
          <IntentTag intent={card.intent} />
          {isNew && <span className="queue-card__new">New</span>}
        </div>
        <h3 className="queue-card__title" id={`card-title-${card.id}`}>
          <Link to={`/handoffs/${card.id}`} tabIndex={-1}>
            {card.problemSummary}
          </Link>
        </h3>
        <div className="queue-card__meta">
          <span>{card.problemDomain}</span>
          <span>
            {card.stepCount} step{card.stepCount === 1 ? "" : "s"}
          </span>
          <Confidence tier={card.confidenceTier} />
          {card.team && <span>{card.team.name}</span>}
          {card.psaTicketId && <TicketRef ticketId={card.psaTicketId} url={card.psaTicketUrl} />}
        </div>
        {card.notes && <p className="queue-card__notes">{card.notes}</p>}
        {card.assessment && (
          <p className="queue-card__assessment" data-testid="card-assessment">
            <span className="queue-card__assessment-label">Likely cause:</span> {card.assessment.likelyCause}{" "}
            <WrittenBy source={card.assessment.source} />
          </p>
        )}
        {card.assessment && card.assessment.priorSessions.length > 0 && (
          <p className="queue-card__prior" data-testid="card-prior-sessions">
            Solved before:{" "}
            {card.assessment.priorSessions.map((prior, index) => (
              <span key={prior.sessionId}>
                {index > 0 && ", "}
                <Link to={`/sessions/${prior.sessionId}`}>{prior.problemSummary}</Link>
              </span>
            ))}
          </p>
        )}
        <div className="queue-card__from">
          from <strong>{card.handedOffBy.name}</strong>
        </div>
        <PresenceNote viewers={viewers} isCompact />
      </div>
      <div className="queue-card__actions">
        <time
          className="queue-card__age"
          dateTime={card.createdAt}
          title={new Date(card.createdAt).toLocaleString()}
        >
          {formatRelativeTime(card.createdAt, now)}
        </time>
        <SlaClock card={card} now={now} />
        {claim.status === "mine" && (
          <p className="queue-card__mine" role="status">
            Claimed by you
          </p>
        )}
        {claim.status === "lost" && (
          <p className="queue-card__lost" role="status">
            {claim.message}
          </p>
        )}
        {canClaim && (claim.status === "idle" || claim.status === "failed") && (
          <button
            type="button"
            className="button button--primary"
            onClick={() => onClaim(card.id)}
            data-testid="claim-button"
          >
            Claim
          </button>
        )}
        {claim.status === "failed" && (
          <p className="queue-card__error" role="alert">
            {claim.message}
          </p>
        )}
      </div>
    </article>
  );
}
