// The EscalationQueue: the account's open handoffs, live. Wires the pure queue state to the
// snapshot + event stream, optimistic claims, keyboard, title flash, announcements and alerts.
import { Suspense, useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { useLocation } from "wouter";
import { canWorkHandoffs, useAuth, useViewer } from "../auth/auth-context.tsx";
import { useOfferClaimUndo } from "../handoffs/claim-undo.tsx";
import { errorCode, errorMessage } from "../lib/api-errors.ts";
import { lazyPage } from "../lib/lazy-page.ts";
import { trpc } from "../lib/trpc.ts";
import { useNow } from "../lib/use-now.ts";
import { ConnectionPill } from "../live/connection-pill.tsx";
import { useEscalationStream } from "../live/use-escalation-stream.ts";
import { useAccountPresence } from "../live/use-presence.ts";
import { SearchBox } from "../ui/search-box.tsx";
import { Segmented } from "../ui/segmented.tsx";
import { isOverdueAt } from "../ui/sla-clock.tsx";
import { playChime, showDesktopNotification, useAlertPreferences } from "./alerts.ts";
import { QueueCard } from "./queue-card.tsx";
import { QueueEmpty, QueueError, QueueRefused, QueueSkeleton } from "./queue-placeholders.tsx";
import {
  createQueueState,
  queueReducer,
  selectEntries,
  selectTeams,
  selectUnseenCount,
  type TQueueFilter,
  type TTeamOption,
} from "./queue-reducer.ts";
import { usePageHidden } from "./use-page-visibility.ts";
import { useQueueKeyboard } from "./use-queue-keyboard.ts";
import { useTitleFlash } from "./use-title-flash.ts";
import "./queue.css";

const PAGE_TITLE = "Escalation queue · Handoff";

// Push alerts are set up once per device: their control follows the queue's first paint.
const PushToggle = lazyPage(() => import("./push-toggle.tsx"), "PushToggle");

const INTENT_FILTERS = [
  { value: "escalate", label: "Escalations" },
  { value: "park", label: "Parked" },
  { value: "all", label: "All" },
] as const;

export function EscalationQueuePage() {
  const viewer = useViewer();
  const { signOutIfUnauthorized } = useAuth();
  const [, navigate] = useLocation();
  const { client } = trpc.useUtils();
  const isHidden = usePageHidden();
  const now = useNow(5_000);
  const [state, dispatch] = useReducer(queueReducer, viewer.id, (id) => createQueueState(id, isHidden));
  const [intent, setIntent] = useState<TQueueFilter["intent"]>("escalate");
  const [team, setTeam] = useState<TTeamOption | null>(null);
  const [search, setSearch] = useState("");
  const filter = useMemo<TQueueFilter>(
    () => ({ intent, teamId: team?.id ?? null, search }),
    [intent, team, search],
  );
  const alerts = useAlertPreferences();
  const canClaim = canWorkHandoffs(viewer);
  const offerClaimUndo = useOfferClaimUndo();
  const presence = useAccountPresence(canClaim);

  const { connection, snapshot, retry } = useEscalationStream({
    loadSnapshot: async () => {
      const queue = await client.handoff.queue.query({});
      dispatch({ type: "snapshotLoaded", cards: queue.handoffs, lastEventId: queue.lastEventId });
      return queue.lastEventId;
    },
    onEvent: (eventId, event) => {
      if (event.kind === "handoff") dispatch({ type: "eventReceived", eventId, event });
    },
  });

  useEffect(() => dispatch({ type: "visibilityChanged", isHidden }), [isHidden]);
  useTitleFlash(selectUnseenCount(state), PAGE_TITLE);

  // Opt-in alerts fire once per arrival (lastArrival's identity changes per arrival).
  const { lastArrival } = state;
  const { isSoundOn, isDesktopOn } = alerts.preferences;
  useEffect(() => {
    if (lastArrival?.card.intent !== "escalate") return;
    if (isSoundOn) playChime();
    if (isDesktopOn && (document.visibilityState === "hidden" || !document.hasFocus())) {
      showDesktopNotification("New escalation", lastArrival.text, () =>
        navigate(`/handoffs/${lastArrival.card.id}`),
      );
    }
  }, [lastArrival, isSoundOn, isDesktopOn, navigate]);

  // Re-sorted as the clock ticks: a card that passes its target moves up with the overdue ones.
  const entries = useMemo(() => selectEntries(state, filter, now), [state, filter, now]);
  const teams = useMemo(() => selectTeams(state, team), [state, team]);
  const counts = useMemo(
    () => ({
      escalate: selectEntries(state, { ...filter, intent: "escalate" }).length,
      park: selectEntries(state, { ...filter, intent: "park" }).length,
      all: selectEntries(state, { ...filter, intent: "all" }).length,
    }),
    [state, filter],
  );

  const entriesRef = useRef(entries);
  entriesRef.current = entries;
  const claim = useCallback(
    async (handoffId: string) => {
      const entry = entriesRef.current.find((candidate) => candidate.card.id === handoffId);
      if (!entry || entry.claim.status === "mine" || entry.claim.status === "lost") return;
      dispatch({ type: "claimStarted", handoffId }); // shown as ours at once; rolled back on failure
      try {
        await client.handoff.claim.mutate({ handoffId });
        dispatch({ type: "claimSucceeded", handoffId });
        offerClaimUndo({ handoffId, problemSummary: entry.card.problemSummary });
        navigate(`/handoffs/${handoffId}`);
      } catch (error) {
        if (signOutIfUnauthorized(error)) return;
        const isTaken = errorCode(error) === "CONFLICT";
        dispatch({ type: "claimFailed", handoffId, message: errorMessage(error), isTaken });
      }
    },
    [client, navigate, signOutIfUnauthorized, offerClaimUndo],
  );
  const markSeen = useCallback((handoffId: string) => dispatch({ type: "cardSeen", handoffId }), []);
  const dismiss = useCallback((handoffId: string) => dispatch({ type: "cardDismissed", handoffId }), []);

  const keyboard = useQueueKeyboard({
    ids: entries.map((entry) => entry.card.id),
    onOpen: (handoffId) => navigate(`/handoffs/${handoffId}`),
    onClaim: canClaim ? claim : null,
  });

  if (connection.status === "refused") return <QueueRefused message={connection.message} />;

  // The header speaks for the whole queue, whatever the tab and team filter show.
  const allOpen = selectEntries(state, { intent: "all", teamId: null });
  const waiting = allOpen.length;
  const urgent = allOpen.filter((entry) => entry.card.priority === "urgent").length;
  const overdue = allOpen.filter((entry) => isOverdueAt(entry.card, now)).length;

  return (
    <section className="queue" aria-labelledby="queue-title">
      <header className="page-header">
        <div>
          <h1 id="queue-title">Escalation queue</h1>
          <p className="muted">
            {snapshot.status === "ready"
              ? `${waiting} waiting${urgent > 0 ? ` · ${urgent} urgent` : ""} · ${viewer.account.name}`
              : "Open handoffs for your account, highest priority first."}
            {snapshot.status === "ready" && overdue > 0 && (
              <span className="queue-overdue" data-testid="queue-overdue">
                {" "}
                · <strong>{overdue} overdue</strong>
              </span>
            )}
          </p>
        </div>
        <ConnectionPill connection={connection} />
      </header>

      <div className="toolbar" role="toolbar" aria-label="Queue filters">
        <Segmented
          name="queue-intent"
          label="Show"
          value={filter.intent}
          options={INTENT_FILTERS.map((option) => ({
            value: option.value,
            label: (
              <>
                {option.label}
                <span className="segmented__count">{counts[option.value]}</span>
              </>
            ),
          }))}
          onChange={setIntent}
        />
        <label className="select-field">
          <span className="select-field__label">Team</span>
          <select
            value={team?.id ?? ""}
            onChange={(event) => setTeam(teams.find((option) => option.id === event.target.value) ?? null)}
          >
            <option value="">All teams</option>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </label>
        <SearchBox
          label="Search the queue by summary, domain, ticket, notes or who handed off"
          placeholder="Search"
          value={search}
          onChange={setSearch}
        />
        <div className="toolbar__spacer" />
        <button
          type="button"
          className="toggle"
          aria-pressed={alerts.preferences.isSoundOn}
          onClick={alerts.toggleSound}
        >
          Sound
        </button>
        {alerts.canNotify && (
          <button
            type="button"
            className="toggle"
            aria-pressed={alerts.preferences.isDesktopOn}
            onClick={() => void alerts.toggleDesktop()}
          >
            Desktop alerts
          </button>
        )}
        <Suspense fallback={null}>
          <PushToggle />
        </Suspense>
      </div>
      {alerts.desktopProblem && (
        <p className="toolbar__problem" role="status" data-testid="desktop-alerts-problem">
          {alerts.desktopProblem}
        </p>
      )}

      <div className="visually-hidden" aria-live="polite" role="status" data-testid="queue-announcer">
        {state.lastArrival?.text ?? ""}
      </div>

      {snapshot.status === "loading" && <QueueSkeleton />}
      {snapshot.status === "error" && <QueueError message={snapshot.message} onRetry={retry} />}
      {snapshot.status === "ready" && entries.length === 0 && (
        <QueueEmpty
          filter={filter.intent}
          isSearching={search.trim() !== ""}
          isDisconnected={connection.status === "offline" || connection.status === "reconnecting"}
        />
      )}
      {snapshot.status === "ready" && entries.length > 0 && (
        <ol className="queue-list" aria-label="Open handoffs" ref={keyboard.listRef}>
          {entries.map((entry) => (
            <li key={entry.card.id}>
              <QueueCard
                ref={keyboard.refFor(entry.card.id)}
                entry={entry}
                now={now}
                isHidden={isHidden}
                isActive={keyboard.activeId === entry.card.id}
                canClaim={canClaim}
                viewers={presence.get(`handoff:${entry.card.id}`)}
                onClaim={claim}
                onSeen={markSeen}
                onDismiss={dismiss}
                onFocus={keyboard.setActiveId}
              />
            </li>
          ))}
        </ol>
      )}
      <p className="keyboard-hint muted">
        <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open
        {canClaim && (
          <>
            {" "}
            · <kbd>c</kbd> claim
          </>
        )}
      </p>
    </section>
  );
}
