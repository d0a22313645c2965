// The sessions list: a table on wide screens, a stack of cards on phones (styles.css), one markup.
import type { TSessionSummary } from "@handoff/api/helpers";
import { Link, useNavigate } from "react-router";
import { formatRelativeTime } from "../lib/relative-time.ts";
import { Confidence, PriorityBadge, StatusBadge } from "../ui/badges.tsx";
import { TicketRef } from "../ui/ticket-ref.tsx";

export function SessionsTable({ sessions, now }: { sessions: TSessionSummary[]; now: number }) {
  const navigate = useNavigate();
  return (
    <div className="table-wrap">
      <table className="table table--cards" data-testid="sessions-table">
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
          {sessions.map((session) => (
            <tr
              key={session.id}
              className="table__row--link"
              data-testid="session-row"
              onClick={(event) => {
                if (!(event.target as HTMLElement).closest("a")) navigate(`/sessions/${session.id}`);
              }}
            >
              <td className="table__main">
                <Link to={`/sessions/${session.id}`} className="table__title">
                  {session.problemSummary}
                </Link>
                <div className="table__sub">
                  <span>{session.problemDomain}</span>
                  {session.psaTicketId && (
                    <TicketRef ticketId={session.psaTicketId} url={session.psaTicketUrl} />
                  )}
                  {session.openHandoff && (
                    <span>
                      · {session.openHandoff.intent === "escalate" ? "Escalated" : "Parked"}{" "}
                      {session.openHandoff.intent === "escalate" && (
                        <PriorityBadge priority={session.openHandoff.priority} />
                      )}
                    </span>
                  )}
                </div>
              </td>
              <td>
                <StatusBadge status={session.status} />
              </td>
              <td className="table__num" data-unit={session.stepCount === 1 ? "step" : "steps"}>
                {session.stepCount}
              </td>
              <td>
                <Confidence tier={session.confidenceTier} />
              </td>
              <td>
                {session.owner.name}
                {session.holder.id !== session.owner.id && (
                  <span className="table__held"> → {session.holder.name}</span>
                )}
              </td>
              <td className="muted">{formatRelativeTime(session.updatedAt, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
