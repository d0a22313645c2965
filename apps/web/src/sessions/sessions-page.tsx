// Sessions: mine, my team's or the account's, most recent activity first, searched as you type
// (summary, domain, ticket, owner, notes) and paged with a cursor; "New session". Live.
import type { TSessionScope } from "@handoff/api/client-contract";
import { keepPreviousData } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { canWorkHandoffs, useViewer } from "../auth/auth-context.tsx";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { trpc } from "../lib/trpc.ts";
import { useDebouncedValue } from "../lib/use-debounced-value.ts";
import { useNow } from "../lib/use-now.ts";
import { LiveUpdates } from "../live/live-updates.tsx";
import { SearchBox } from "../ui/search-box.tsx";
import { Segmented } from "../ui/segmented.tsx";
import { NewSessionDialog } from "./new-session-dialog.tsx";
import { SessionsTable } from "./sessions-table.tsx";
import "./sessions.css";

const PAGE_SIZE = 25;
const SEARCH_DEBOUNCE_MS = 250;

const TITLE: Record<TSessionScope, string> = {
  mine: "My sessions",
  team: "Team sessions",
  account: "All sessions",
};

export function SessionsPage() {
  const viewer = useViewer();
  const now = useNow(30_000);
  const [scope, setScope] = useState<TSessionScope>(viewer.role === "viewer" ? "account" : "mine");
  const [search, setSearch] = useState("");
  const [isCreating, setIsCreating] = useState(false);
  const searched = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const sessions = trpc.session.list.useInfiniteQuery(
    { scope, search: searched || undefined, limit: PAGE_SIZE },
    // The previous results stay on screen while the next search runs: no flicker per keystroke.
    { getNextPageParam: (page) => page.nextCursor ?? undefined, placeholderData: keepPreviousData },
  );
  const rows = useMemo(() => sessions.data?.pages.flatMap((page) => page.items) ?? [], [sessions.data]);

  useEffect(() => {
    document.title = "Sessions · Handoff";
  }, []);

  const scopes = [
    { value: "mine" as const, label: "Mine" },
    ...(viewer.team ? [{ value: "team" as const, label: viewer.team.name }] : []),
    { value: "account" as const, label: viewer.account.name },
  ];

  return (
    <section aria-labelledby="sessions-title">
      <header className="page-header">
        <div>
          <h1 id="sessions-title">{TITLE[scope]}</h1>
          <p className="muted">Troubleshooting sessions, most recently active first.</p>
        </div>
        <div className="page-header__actions">
          <LiveUpdates />
          {canWorkHandoffs(viewer) && (
            <button type="button" className="button button--primary" onClick={() => setIsCreating(true)}>
              New session
            </button>
          )}
        </div>
      </header>

      <div className="toolbar">
        <Segmented
          name="session-scope"
          label="Whose sessions"
          value={scope}
          options={scopes}
          onChange={setScope}
        />
        <SearchBox
          label="Search sessions by summary, domain, ticket, owner or notes"
          placeholder="Search sessions"
          value={search}
          onChange={setSearch}
        />
        {sessions.isFetching && !sessions.isFetchingNextPage && (
          <span className="spinner spinner--small" role="status" aria-label="Searching" />
        )}
      </div>

      {sessions.isPending && <PageLoading label="Loading sessions…" />}
      {sessions.error && <PageError title="Couldn't load sessions" error={sessions.error} backTo="/" />}
      {sessions.data && rows.length === 0 && (
        <div className="empty-state" data-testid="sessions-empty">
          <h2>{searched ? "No sessions match that search" : "No sessions yet"}</h2>
          <p className="muted">{emptyHint(scope, searched)}</p>
        </div>
      )}
      {rows.length > 0 && <SessionsTable sessions={rows} now={now} />}
      {sessions.hasNextPage && (
        <div className="load-more">
          <button
            type="button"
            className="button"
            disabled={sessions.isFetchingNextPage}
            onClick={() => void sessions.fetchNextPage()}
          >
            {sessions.isFetchingNextPage ? "Loading…" : "Show more"}
          </button>
        </div>
      )}
      {isCreating && <NewSessionLauncher onClose={() => setIsCreating(false)} />}
    </section>
  );
}

function emptyHint(scope: TSessionScope, search: string): string {
  if (search) return "Try fewer words, a ticket number or an engineer's name.";
  if (scope === "mine") return "Sessions you own or hold show up here. Start one with New session.";
  return "Nobody here has opened a session yet.";
}

/** Offers the account's teams and the domains its sessions use, most used first. */
function NewSessionLauncher({ onClose }: { onClose(): void }) {
  const domains = trpc.session.domains.useQuery({});
  const teams = trpc.team.list.useQuery();
  return <NewSessionDialog domains={domains.data ?? []} teams={teams.data ?? []} onClose={onClose} />;
}
