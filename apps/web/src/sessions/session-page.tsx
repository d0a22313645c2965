// One troubleshooting session. For its holder (or an admin) a workspace: log steps and notes,
// grow the branch map, change confidence, park, escalate, resolve, reopen. Everyone else reads
// along, told who holds it. Follows the live stream, so changes show as they happen.
import type {
  TConfidenceTier,
  THandoffCard,
  THandoffIntent,
  TSessionDetail,
} from "@handoff/api/client-contract";
import { useEffect, useState } from "react";
import { Link, useParams } from "wouter";
import { canWorkHandoffs, isAdmin, useViewer } from "../auth/auth-context.tsx";
import { BranchTree } from "../handoffs/branch-tree.tsx";
import { ReleaseButton } from "../handoffs/release-button.tsx";
import { SimilarSessionsPanel } from "../knowledge/similar-sessions-panel.tsx";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { errorMessage } from "../lib/api-errors.ts";
import { formatDateTime, formatRelativeTime } from "../lib/relative-time.ts";
import { trpc } from "../lib/trpc.ts";
import { useNow } from "../lib/use-now.ts";
import { LiveUpdates } from "../live/live-updates.tsx";
import { PresenceNote } from "../live/presence-note.tsx";
import { usePresence } from "../live/use-presence.ts";
import { Confidence, PriorityBadge, StatusBadge } from "../ui/badges.tsx";
import { FormError } from "../ui/form-error.tsx";
import { Segmented } from "../ui/segmented.tsx";
import { TicketRef } from "../ui/ticket-ref.tsx";
import { BranchTools, RootBranchForm, type TBranchEditing } from "./branch-tools.tsx";
import { EntryComposer } from "./entry-composer.tsx";
import { HandoffDialog } from "./handoff-dialog.tsx";
import { ResolveDialog } from "./resolve-dialog.tsx";
import { SessionEntries, SessionLog } from "./session-timeline.tsx";
import { useSessionActions } from "./use-session-actions.ts";
import "../handoffs/handoff.css";
import "./sessions.css";

const CONFIDENCE_OPTIONS = [
  { value: "low", label: "Low" },
  { value: "medium", label: "Medium" },
  { value: "high", label: "High" },
] as const satisfies ReadonlyArray<{ value: TConfidenceTier; label: string }>;

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

function SessionView({ session }: { session: TSessionDetail }) {
  const viewer = useViewer();
  const now = useNow(30_000);
  const actions = useSessionActions(session.id);
  const [dialog, setDialog] = useState<THandoffIntent | "resolve" | null>(null);
  const [handedOff, setHandedOff] = useState<THandoffCard | null>(null);
  const [editing, setEditing] = useState<TBranchEditing>(null);
  const others = usePresence(canWorkHandoffs(viewer) ? { sessionId: session.id } : null);

  const isResolved = session.status === "resolved";
  const isHolder = session.holder.id === viewer.id;
  const canChange = canWorkHandoffs(viewer) && (isHolder || isAdmin(viewer));
  const canEdit = canChange && !isResolved;
  const activeBranch = session.branches.find((branch) => branch.id === session.activeBranchId) ?? null;
  const claim = session.claimedHandoff;
  const canRelease =
    claim !== null && canWorkHandoffs(viewer) && (claim.claimedBy.id === viewer.id || isAdmin(viewer));

  return (
    <article className="session" aria-labelledby="session-title">
      <Link to="/sessions" className="back-link">
        ← Sessions
      </Link>
      <header className="page-header">
        <div>
          <div className="handoff__badges">
            <StatusBadge status={session.status} />
            {session.psaTicketId && <TicketRef ticketId={session.psaTicketId} url={session.psaTicketUrl} />}
          </div>
          <h1 id="session-title">{session.problemSummary}</h1>
          <p className="muted">
            {session.problemDomain} · owned by {session.owner.name}
            {session.holder.id !== session.owner.id && <> · held by {session.holder.name}</>} · updated{" "}
            {formatRelativeTime(session.updatedAt, now)}
          </p>
          <PresenceNote viewers={others} />
        </div>
        <div className="page-header__actions">
          <LiveUpdates />
          {canEdit && !session.openHandoff && (
            <>
              <button type="button" className="button" onClick={() => setDialog("park")}>
                Park
              </button>
              <button type="button" className="button" onClick={() => setDialog("escalate")}>
                Escalate
              </button>
            </>
          )}
          {canEdit && (
            <button type="button" className="button button--primary" onClick={() => setDialog("resolve")}>
              Resolve
            </button>
          )}
          {canChange && isResolved && (
            <button
              type="button"
              className="button"
              disabled={actions.reopen.isPending}
              onClick={() => actions.reopen.mutate({ sessionId: session.id })}
            >
              {actions.reopen.isPending ? "Reopening…" : "Reopen"}
            </button>
          )}
        </div>
      </header>

      <FormError message={actions.reopen.error && errorMessage(actions.reopen.error)} />
      {!canChange && (
        <div className="banner banner--info" role="note" data-testid="read-only">
          {canWorkHandoffs(viewer)
            ? `${session.holder.name} holds this session. You can read along; only they or an admin can change it.`
            : `Held by ${session.holder.name}. Your role is read-only.`}
        </div>
      )}
      {claim && (
        <div className="banner banner--success" role="status" data-testid="claimed-by">
          <span>
            Claimed by {claim.claimedBy.id === viewer.id ? "you" : claim.claimedBy.name}{" "}
            {formatRelativeTime(claim.claimedAt, now)}
          </span>
          {canRelease && <ReleaseButton handoffId={claim.id} />}
        </div>
      )}
      {handedOff && !claim && session.openHandoff && (
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
      {isResolved && (
        <div className="banner banner--success" data-testid="resolution">
          <span>
            <strong>Resolved</strong>
            {session.resolvedAt && <> {formatRelativeTime(session.resolvedAt, now)}</>}
            {session.resolution && <>: {session.resolution}</>}
          </span>
        </div>
      )}

      <div className="handoff__layout">
        <div className="handoff__main">
          {canEdit && (
            <EntryComposer
              sessionId={session.id}
              activeBranchLabel={activeBranch?.label ?? null}
              addEntry={actions.addEntry}
            />
          )}
          <section className="panel" aria-labelledby="tree-title">
            <div className="panel__header">
              <h2 id="tree-title">Branch map</h2>
              {canEdit && (
                <RootBranchForm
                  sessionId={session.id}
                  editing={editing}
                  onEdit={setEditing}
                  openBranch={actions.openBranch}
                />
              )}
            </div>
            <BranchTree
              branches={session.branches}
              activeBranchId={session.activeBranchId}
              renderTools={
                canEdit
                  ? (branch, isActive) => (
                      <BranchTools
                        sessionId={session.id}
                        branch={branch}
                        isActive={isActive}
                        editing={editing}
                        onEdit={setEditing}
                        actions={actions}
                      />
                    )
                  : undefined
              }
            />
          </section>
          <section className="panel" aria-labelledby="entries-title">
            <h2 id="entries-title">Steps and notes</h2>
            <SessionEntries entries={session.messages} branches={session.branches} />
          </section>
          <SimilarSessionsPanel sessionId={session.id} />
        </div>
        <aside className="handoff__aside">
          <section className="panel" aria-labelledby="facts-title">
            <h2 id="facts-title">At a glance</h2>
            <dl className="facts">
              <dt>Status</dt>
              <dd>
                <StatusBadge status={session.status} />
              </dd>
              <dt>Held by</dt>
              <dd data-testid="holder">{session.holder.name}</dd>
              <dt>Steps</dt>
              <dd data-testid="step-count">{session.stepCount}</dd>
              <dt>Confidence</dt>
              <dd>
                {canEdit ? (
                  <Segmented
                    name="confidence"
                    label="Confidence"
                    value={session.confidenceTier}
                    options={CONFIDENCE_OPTIONS}
                    onChange={(confidenceTier) =>
                      actions.update.mutate({ sessionId: session.id, confidenceTier })
                    }
                  />
                ) : (
                  <Confidence tier={session.confidenceTier} />
                )}
              </dd>
              <dt>Team</dt>
              <dd>{session.team?.name ?? "—"}</dd>
              <dt>Handoffs</dt>
              <dd>{session.handoffCount}</dd>
              <dt>Opened</dt>
              <dd>{formatDateTime(session.createdAt)}</dd>
            </dl>
            <FormError message={actions.update.error && errorMessage(actions.update.error)} />
          </section>
          <section className="panel" aria-labelledby="log-title">
            <h2 id="log-title">Activity</h2>
            <SessionLog log={session.log} />
          </section>
        </aside>
      </div>

      {(dialog === "park" || dialog === "escalate") && (
        <HandoffDialog
          sessionId={session.id}
          initialIntent={dialog}
          onClose={() => setDialog(null)}
          onDone={(card) => {
            setHandedOff(card);
            setDialog(null);
          }}
        />
      )}
      {dialog === "resolve" && (
        <ResolveDialog
          sessionId={session.id}
          hasOpenHandoff={session.openHandoff !== null}
          resolve={actions.resolve}
          onClose={() => setDialog(null)}
        />
      )}
    </article>
  );
}
