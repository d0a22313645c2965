// The handoff context screen ("the magic moment"): everything a senior needs to carry on
// without asking: briefing (rewritable by the claimer), the assessment with its next checks (both
// arrive live), notes, snapshot, branch map, who handed off and when, and Claim.
import type { TAssessment, THandoffDetail } from "@handoff/api/client-contract";
import { useEffect } from "react";
import { Link, useLocation, useParams } from "wouter";
import { canWorkHandoffs, isAdmin, useViewer } from "../auth/auth-context.tsx";
import { SimilarSessionsPanel } from "../knowledge/similar-sessions-panel.tsx";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { errorCode, errorMessage } from "../lib/api-errors.ts";
import { formatDateTime, formatRelativeTime } from "../lib/relative-time.ts";
import { trpc } from "../lib/trpc.ts";
import { useNow } from "../lib/use-now.ts";
import { LiveUpdates } from "../live/live-updates.tsx";
import { PresenceNote } from "../live/presence-note.tsx";
import { usePresence } from "../live/use-presence.ts";
import { Confidence, IntentTag, PriorityBadge, StatusBadge } from "../ui/badges.tsx";
import { FormError } from "../ui/form-error.tsx";
import { SlaClock } from "../ui/sla-clock.tsx";
import { TicketRef } from "../ui/ticket-ref.tsx";
import { WrittenBy } from "../ui/written-by.tsx";
import { BranchTree } from "./branch-tree.tsx";
import { useOfferClaimUndo } from "./claim-undo.tsx";
import { PsaNotesPanel } from "./psa-notes-panel.tsx";
import { ReleaseButton } from "./release-button.tsx";
import "./handoff.css";

export function HandoffPage() {
  const { id = "" } = useParams();
  const viewer = useViewer();
  const handoff = trpc.handoff.byId.useQuery({ handoffId: id });
  // A viewer can't use the queue, so their way back is the sessions list.
  const back = canWorkHandoffs(viewer)
    ? { to: "/escalations", label: "Escalation queue" }
    : { to: "/sessions", label: "Sessions" };

  useEffect(() => {
    document.title = handoff.data ? `${handoff.data.problemSummary} · Handoff` : "Handoff";
  }, [handoff.data]);

  if (handoff.isPending) return <PageLoading label="Loading the handoff…" />;
  if (handoff.error)
    return <PageError title="Can't open this handoff" error={handoff.error} backTo={back.to} />;
  return <HandoffContext handoff={handoff.data} back={back} />;
}

function HandoffContext({ handoff, back }: { handoff: THandoffDetail; back: { to: string; label: string } }) {
  const { snapshot } = handoff;
  const now = useNow();
  const isEscalation = handoff.intent === "escalate"; // parking has no priority
  const viewer = useViewer();
  const others = usePresence(canWorkHandoffs(viewer) ? { handoffId: handoff.id } : null);
  return (
    <article className="handoff" aria-labelledby="handoff-title">
      <Link to={back.to} className="back-link">
        ← {back.label}
      </Link>
      <header className="handoff__header">
        <div className="handoff__badges">
          {isEscalation && <PriorityBadge priority={handoff.priority} />}
          <IntentTag intent={handoff.intent} />
          {handoff.psaTicketId && <TicketRef ticketId={handoff.psaTicketId} url={handoff.psaTicketUrl} />}
          <LiveUpdates />
        </div>
        <h1 id="handoff-title">{handoff.problemSummary}</h1>
        <p className="muted">
          Handed off by <strong>{handoff.handedOffBy.name}</strong>{" "}
          <time dateTime={handoff.createdAt} title={formatDateTime(handoff.createdAt)}>
            {formatRelativeTime(handoff.createdAt, now)}
          </time>
          {!handoff.claimedAt && !handoff.cancelledAt ? (
            <>
              {" · "}
              <SlaClock card={handoff} now={now} />
            </>
          ) : (
            handoff.claimedAt && handoff.overdue && " · claimed after its response target"
          )}
          {handoff.team && <> · {handoff.team.name}</>}
        </p>
        <PresenceNote viewers={others} />
      </header>

      <div className="handoff__layout">
        <div className="handoff__main">
          <Briefing handoff={handoff} />
          <Assessment assessment={handoff.assessment} isEscalation={isEscalation} />
          <SimilarSessionsPanel sessionId={handoff.sessionId} />

          <section className="panel" aria-labelledby="notes-title">
            <h2 id="notes-title">Engineer's notes</h2>
            {handoff.notes ? (
              <blockquote className="notes">{handoff.notes}</blockquote>
            ) : (
              <p className="muted">No notes were left.</p>
            )}
          </section>

          <section className="panel" aria-labelledby="branches-title">
            <h2 id="branches-title">What was tried</h2>
            <BranchTree branches={snapshot.branches} activeBranchId={snapshot.activeBranchId} />
          </section>

          {snapshot.recentMessages.length > 0 && (
            <section className="panel" aria-labelledby="messages-title">
              <h2 id="messages-title">Latest in the session</h2>
              <ol className="messages">
                {snapshot.recentMessages.map((message) => (
                  <li key={`${message.at}-${message.author}`} className="message">
                    <div className="message__meta">
                      <strong>{message.author}</strong>
                      <time dateTime={message.at}>{formatDateTime(message.at)}</time>
                    </div>
                    <p>{message.body}</p>
                  </li>
                ))}
              </ol>
            </section>
          )}
        </div>

        <aside className="handoff__aside">
          <ClaimPanel handoff={handoff} />
          <section className="panel" aria-labelledby="snapshot-title">
            <h2 id="snapshot-title">Snapshot at handoff</h2>
            <dl className="facts">
              <dt>Status</dt>
              <dd>
                <StatusBadge status={snapshot.status} />
              </dd>
              <dt>Domain</dt>
              <dd>{snapshot.problemDomain}</dd>
              <dt>Steps</dt>
              <dd>{snapshot.stepCount}</dd>
              <dt>Confidence</dt>
              <dd>
                <Confidence tier={snapshot.confidenceTier} />
              </dd>
              {isEscalation && (
                <>
                  <dt>Priority</dt>
                  <dd>
                    <PriorityBadge priority={handoff.priority} />
                  </dd>
                </>
              )}
              <dt>Handed off</dt>
              <dd>{formatDateTime(handoff.createdAt)}</dd>
            </dl>
          </section>
          <PsaNotesPanel
            handoffId={handoff.id}
            version={`${handoff.claimedAt}|${handoff.releasedAt}|${handoff.cancelledAt}`}
          />
        </aside>
      </div>
    </article>
  );
}

function ClaimPanel({ handoff }: { handoff: THandoffDetail }) {
  const viewer = useViewer();
  const [, navigate] = useLocation();
  const utils = trpc.useUtils();
  const now = useNow();
  const offerClaimUndo = useOfferClaimUndo();
  const claim = trpc.handoff.claim.useMutation({
    onSuccess: () => {
      offerClaimUndo({ handoffId: handoff.id, problemSummary: handoff.problemSummary });
      navigate(`/sessions/${handoff.sessionId}`);
    },
    onError: (error) => {
      if (errorCode(error) === "CONFLICT") void utils.handoff.byId.invalidate({ handoffId: handoff.id });
    },
  });
  const sessionLink = (
    <Link to={`/sessions/${handoff.sessionId}`} className="button button--block">
      Open the session
    </Link>
  );

  // Someone else won the race: the server's answer names them, and it stays on screen.
  const conflict = errorCode(claim.error) === "CONFLICT" ? errorMessage(claim.error) : null;

  if (handoff.cancelledAt) {
    return (
      <section className="panel claim-panel" data-testid="claim-panel">
        <p className="muted">Withdrawn: its session was resolved while this waited in the queue.</p>
        {sessionLink}
      </section>
    );
  }

  if (handoff.claimedBy) {
    const isMine = handoff.claimedBy.id === viewer.id;
    return (
      <section className="panel claim-panel claim-panel--claimed" data-testid="claim-panel">
        {conflict ? (
          <p className="claim-panel__conflict" role="alert">
            {conflict}
          </p>
        ) : (
          <p>
            {isMine ? "You" : <strong>{handoff.claimedBy.name}</strong>} claimed this{" "}
            {handoff.claimedAt ? formatRelativeTime(handoff.claimedAt, now) : ""}.
          </p>
        )}
        {isMine ? (
          <Link to={`/sessions/${handoff.sessionId}`} className="button button--primary button--block">
            Continue the session →
          </Link>
        ) : (
          sessionLink
        )}
        {(isMine || isAdmin(viewer)) && <ReleaseButton handoffId={handoff.id} isBlock />}
      </section>
    );
  }

  if (!canWorkHandoffs(viewer)) {
    return (
      <section className="panel claim-panel" data-testid="claim-panel">
        <p className="muted">Waiting for an engineer to pick this up. Your role is read-only.</p>
        {sessionLink}
      </section>
    );
  }

  return (
    <section className="panel claim-panel" data-testid="claim-panel">
      <p className="muted">Claiming takes it off everyone else's queue and makes the session yours.</p>
      <button
        type="button"
        className="button button--primary button--block button--large"
        disabled={claim.isPending}
        onClick={() => claim.mutate({ handoffId: handoff.id })}
      >
        {claim.isPending ? "Claiming…" : "Claim & continue"}
      </button>
      {claim.error && (
        <p className={conflict ? "claim-panel__conflict" : "form-error"} role="alert">
          {errorMessage(claim.error)}
        </p>
      )}
    </section>
  );
}

/** The briefing, and for the claimer a way to have it written again (it arrives live). */
function Briefing({ handoff }: { handoff: THandoffDetail }) {
  const viewer = useViewer();
  const utils = trpc.useUtils();
  const regenerate = trpc.handoff.regenerateBriefing.useMutation({
    onSuccess: (detail) => utils.handoff.byId.setData({ handoffId: handoff.id }, detail),
  });
  const { briefing } = handoff;
  const isClaimer = handoff.claimedBy?.id === viewer.id;
  const isRewriting = briefing.isRewriting || regenerate.isPending;
  return (
    <section className="panel" aria-labelledby="briefing-title" data-testid="briefing">
      <div className="panel__title-row">
        <h2 id="briefing-title">
          Briefing <WrittenBy source={briefing.source} model={briefing.model} />
        </h2>
        {isClaimer && (
          <button
            type="button"
            className="button button--small"
            disabled={isRewriting}
            onClick={() => regenerate.mutate({ handoffId: handoff.id })}
          >
            {isRewriting ? "Rewriting…" : "Rewrite"}
          </button>
        )}
      </div>
      <p className="briefing">{briefing.text}</p>
      <FormError message={regenerate.error && errorMessage(regenerate.error)} />
    </section>
  );
}

const LEVEL_WORDS = { low: "Low", medium: "Medium", high: "High" } as const;

/** What the model (or the rules) made of an escalation. Every field is plain text. */
function Assessment({ assessment, isEscalation }: { assessment: TAssessment | null; isEscalation: boolean }) {
  if (!isEscalation) return null;
  if (!assessment) {
    return (
      <section className="panel" aria-labelledby="assessment-title" data-testid="assessment">
        <h2 id="assessment-title">Assessment</h2>
        <p className="muted" role="status">
          Being written…
        </p>
      </section>
    );
  }
  return (
    <section className="panel" aria-labelledby="assessment-title" data-testid="assessment">
      <h2 id="assessment-title">
        Assessment <WrittenBy source={assessment.source} model={assessment.model} />
      </h2>
      <p className="assessment__cause">
        <strong>Likely cause:</strong> {assessment.likelyCause}
      </p>
      {assessment.nextChecks.length > 0 && (
        <>
          <h3 className="panel__subtitle">Next checks</h3>
          <ol className="assessment__list" data-testid="next-checks">
            {assessment.nextChecks.map((check, index) => (
              <li key={index}>{check}</li>
            ))}
          </ol>
        </>
      )}
      {assessment.missingInformation.length > 0 && (
        <>
          <h3 className="panel__subtitle">Missing information</h3>
          <ul className="assessment__list">
            {assessment.missingInformation.map((item, index) => (
              <li key={index}>{item}</li>
            ))}
          </ul>
        </>
      )}
      <dl className="facts">
        <dt>Risk</dt>
        <dd title={assessment.riskReason}>{LEVEL_WORDS[assessment.risk]}</dd>
        <dt>Confidence</dt>
        <dd>{LEVEL_WORDS[assessment.confidence]}</dd>
      </dl>
      {assessment.riskReason && <p className="assessment__note">Risk: {assessment.riskReason}</p>}
      {assessment.fallbackReason && (
        <p className="assessment__note">Written by rules instead: {assessment.fallbackReason}</p>
      )}
    </section>
  );
}
