// "My sessions": the engineer's troubleshooting sessions (or the account's), newest first.
import { useEffect, useState } from "react";
import { Link, useNavigate } from "react-router";
import { useViewer } from "../auth/auth-context.tsx";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { formatRelativeTime } from "../lib/relative-time.ts";
import { trpc } from "../lib/trpc.ts";
import { useNow } from "../lib/use-now.ts";
import { Confidence, PriorityBadge, StatusBadge } from "../ui/badges.tsx";
import { Segmented } from "../ui/segmented.tsx";

type TScope = "mine" | "account";

export function SessionsPage() {
  const viewer = useViewer();
  const navigate = useNavigate();
  const now = useNow(30_000);
  const [scope, setScope] = useState<TScope>(viewer.role === "viewer" ? "account" : "mine");
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
      </header>

      {sessions.isPending && <PageLoading label="Loading sessions…" />}
      {sessions.error && <PageError title="Couldn't load sessions" error={sessions.error} backTo="/" />}
      {sessions.data?.length === 0 && (
        <div className="empty-state">
          <h2>No sessions yet</h2>
          <p className="muted">
            {scope === "mine"
              ? "Sessions you own or that are assigned to you show up here."
              : "Nobody in your account has opened a session yet."}
          </p>
        </div>
      )}
      {sessions.data && sessions.data.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Problem</th>
                <th scope="col">Status</th>
                <th scope="col">Steps</th>
                <th scope="col">Confidence</th>
                <th scope="col">Owner</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.map((session) => (
                <tr
                  key={session.id}
                  className="table__row--link"
                  onClick={(event) => {
                    if (!(event.target as HTMLElement).closest("a")) navigate(`/sessions/${session.id}`);
                  }}
                >
                  <td>
                    <Link to={`/sessions/${session.id}`} className="table__title">
                      {session.problemSummary}
                    </Link>
                    <div className="table__sub">
                      {session.problemDomain}
                      {session.openHandoff && (
                        <>
                          {" · "}
                          {session.openHandoff.intent === "escalate" ? "Escalated" : "Parked"}{" "}
                          <PriorityBadge priority={session.openHandoff.priority} />
                        </>
                      )}
                    </div>
                  </td>
                  <td>
                    <StatusBadge status={session.status} />
                  </td>
                  <td className="table__num">{session.stepCount}</td>
                  <td>
                    <Confidence tier={session.confidenceTier} />
                  </td>
                  <td>{session.owner.name}</td>
                  <td className="muted">{formatRelativeTime(session.updatedAt, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
