// "My sessions": the engineer's troubleshooting sessions (or the account's), most recent first,
// and "New session".
import { useEffect, useMemo, useState } from "react";
import { canWorkHandoffs, useViewer } from "../auth/auth-context.tsx";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { trpc } from "../lib/trpc.ts";
import { useNow } from "../lib/use-now.ts";
import { LiveUpdates } from "../live/live-updates.tsx";
import { Segmented } from "../ui/segmented.tsx";
import { NewSessionDialog } from "./new-session-dialog.tsx";
import { SessionsTable, type TSessionRow } from "./sessions-table.tsx";

type TScope = "mine" | "account";

export function SessionsPage() {
  const viewer = useViewer();
  const now = useNow(30_000);
  const [scope, setScope] = useState<TScope>(viewer.role === "viewer" ? "account" : "mine");
  const [isCreating, setIsCreating] = useState(false);
  const sessions = trpc.session.list.useQuery({ scope });

  useEffect(() => {
    document.title = "Sessions · Handoff";
  }, []);

  return (
    <section aria-labelledby="sessions-title">
      <header className="page-header">
        <div>
          <h1 id="sessions-title">{scope === "mine" ? "My sessions" : "All sessions"}</h1>
          <p className="muted">Troubleshooting sessions, most recently active first.</p>
        </div>
        <div className="page-header__actions">
          {canWorkHandoffs(viewer) && <LiveUpdates />}
          <Segmented
            name="session-scope"
            label="Whose sessions"
            value={scope}
            options={[
              { value: "mine" as const, label: "Mine" },
              { value: "account" as const, label: viewer.account.name },
            ]}
            onChange={setScope}
          />
          {canWorkHandoffs(viewer) && (
            <button type="button" className="button button--primary" onClick={() => setIsCreating(true)}>
              New session
            </button>
          )}
        </div>
      </header>

      {sessions.isPending && <PageLoading label="Loading sessions…" />}
      {sessions.error && <PageError title="Couldn't load sessions" error={sessions.error} backTo="/" />}
      {sessions.data?.items.length === 0 && (
        <div className="empty-state">
          <h2>No sessions yet</h2>
          <p className="muted">
            {scope === "mine"
              ? "Sessions you own or that are assigned to you show up here."
              : "Nobody in your account has opened a session yet."}
          </p>
        </div>
      )}
      {sessions.data && sessions.data.items.length > 0 && (
        <SessionsTable sessions={sessions.data.items} now={now} />
      )}
      {isCreating && <NewSessionLauncher onClose={() => setIsCreating(false)} />}
    </section>
  );
}

/** Offers the domains and teams the account already uses, from its recent sessions. */
function NewSessionLauncher({ onClose }: { onClose(): void }) {
  const recent = trpc.session.list.useQuery({ scope: "account", limit: 100 });
  const { domains, teams } = useMemo(() => knownDomainsAndTeams(recent.data?.items ?? []), [recent.data]);
  return <NewSessionDialog domains={domains} teams={teams} onClose={onClose} />;
}

function knownDomainsAndTeams(sessions: TSessionRow[]) {
  const domains = new Set<string>();
  const teams = new Map<string, string>();
  for (const session of sessions) {
    domains.add(session.problemDomain);
    if (session.team) teams.set(session.team.id, session.team.name);
  }
  return {
    domains: [...domains].sort((a, b) => a.localeCompare(b)),
    teams: [...teams].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}
