// One troubleshooting session: its state, branch map and messages, and Park / Escalate.
import type { RouterOutputs } from "@handoff/api";
import type { THandoffCard, THandoffIntent } from "@handoff/api/helpers";
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { canWorkHandoffs, useViewer } from "../auth/auth-context.tsx";
import { BranchTree } from "../handoffs/branch-tree.tsx";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { formatDateTime, formatRelativeTime } from "../lib/relative-time.ts";
import { trpc } from "../lib/trpc.ts";
import { useNow } from "../lib/use-now.ts";
import { LiveUpdates } from "../live/live-updates.tsx";
import { Confidence, PriorityBadge, StatusBadge } from "../ui/badges.tsx";
import { HandoffDialog } from "./handoff-dialog.tsx";

type TSession = RouterOutputs["session"]["byId"];

export function SessionPage() {
  const { id = "" } = useParams();
  const session = trpc.session.byId.useQuery({ sessionId: id });

  useEffect(() => {
    document.title = session.data ? `${session.data.problemSummary} · Handoff` : "Session · Handoff";
  }, [session.data]);

  if (session.isPending) return <PageLoading label="Loading the session…" />;
  if (session.error)
    return <PageError title="Can't open this session" error={session.error} backTo="/sessions" />;
  return <SessionView session={session.data} />;
}

function SessionView({ session }: { session: TSession }) {
  const viewer = useViewer();
  const now = useNow(30_000);
  const [dialogIntent, setDialogIntent] = useState<THandoffIntent | null>(null);
  const [handedOff, setHandedOff] = useState<THandoffCard | null>(null);
  const canHandOff = canWorkHandoffs(viewer) && session.status !== "resolved" && !session.openHandoff;
  // Claiming makes the claimer the session's assignee and the session active again.
  const claimer =
    session.handoffCount > 0 &&
    session.status === "active" &&
    !session.openHandoff &&
    session.assignee?.id !== session.owner.id
      ? session.assignee
      : null;

  return (
    <article className="session" aria-labelledby="session-title">
      <Link to="/sessions" className="back-link">
        ← Sessions
      </Link>
      <header className="page-header">
        <div>
          <div className="handoff__badges">
            <StatusBadge status={session.status} />
            {session.psaTicketId && <span className="tag">Ticket {session.psaTicketId}</span>}
          </div>
          <h1 id="session-title">{session.problemSummary}</h1>
          <p className="muted">
            {session.problemDomain} · owned by {session.owner.name}
            {session.assignee && session.assignee.id !== session.owner.id && (
              <> · with {session.assignee.name}</>
            )}{" "}
            · updated {formatRelativeTime(session.updatedAt, now)}
          </p>
        </div>
        <div className="page-header__actions">
          {canWorkHandoffs(viewer) && <LiveUpdates />}
          {canHandOff && (
            <>
              <button type="button" className="button" onClick={() => setDialogIntent("park")}>
                Park
              </button>
              <button
                type="button"
                className="button button--primary"
                onClick={() => setDialogIntent("escalate")}
              >
                Escalate
              </button>
            </>
          )}
        </div>
      </header>

      {claimer && (
        <div className="banner banner--success" role="status" data-testid="claimed-by">
          Claimed by {claimer.id === viewer.id ? "you" : claimer.name}
        </div>
      )}
      {handedOff && !claimer && (
        <div className="banner banner--success" role="status">
          {handedOff.intent === "escalate"
            ? "Escalated. It is in the senior techs' queue now; you'll see here when someone claims it."
            : "Parked. Any teammate can pick it up from the queue."}
        </div>
      )}
      {session.openHandoff && (
        <div className="banner" data-testid="open-handoff">
          <span>
            {session.openHandoff.intent === "escalate" ? (
              <>
                Escalated <PriorityBadge priority={session.openHandoff.priority} />
              </>
            ) : (
              "Parked"
            )}
            , waiting to be claimed.
          </span>
          <Link to={`/handoffs/${session.openHandoff.id}`}>View handoff</Link>
        </div>
      )}

      <div className="handoff__layout">
        <div className="handoff__main">
          <section className="panel" aria-labelledby="tree-title">
            <h2 id="tree-title">Branch map</h2>
            <BranchTree branches={session.branches} activeBranchId={session.activeBranchId} />
          </section>
          <section className="panel" aria-labelledby="log-title">
            <h2 id="log-title">Session log</h2>
            {session.messages.length === 0 ? (
              <p className="muted">Nothing logged yet.</p>
            ) : (
              <ol className="messages">
                {session.messages.map((message) => (
                  <li key={message.id} className={`message message--${message.authorKind}`}>
                    <div className="message__meta">
                      <strong>
                        {message.author?.name ??
                          (message.authorKind === "assistant" ? "Assistant" : "System")}
                      </strong>
                      <time dateTime={new Date(message.createdAt).toISOString()}>
                        {formatDateTime(message.createdAt)}
                      </time>
                    </div>
                    <p>{message.body}</p>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </div>
        <aside className="handoff__aside">
          <section className="panel" aria-labelledby="facts-title">
            <h2 id="facts-title">At a glance</h2>
            <dl className="facts">
              <dt>Status</dt>
              <dd>
                <StatusBadge status={session.status} />
              </dd>
              <dt>Steps</dt>
              <dd>{session.stepCount}</dd>
              <dt>Confidence</dt>
              <dd>
                <Confidence tier={session.confidenceTier} />
              </dd>
              <dt>Team</dt>
              <dd>{session.team?.name ?? "—"}</dd>
              <dt>Handoffs</dt>
              <dd>{session.handoffCount}</dd>
              <dt>Opened</dt>
              <dd>{formatDateTime(session.createdAt)}</dd>
            </dl>
          </section>
        </aside>
      </div>

      {dialogIntent && (
        <HandoffDialog
          sessionId={session.id}
          initialIntent={dialogIntent}
          onClose={() => setDialogIntent(null)}
          onDone={(card) => {
            setHandedOff(card);
            setDialogIntent(null);
          }}
        />
      )}
    </article>
  );
}
