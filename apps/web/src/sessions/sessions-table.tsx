// The sessions list: a table on wide screens, a stack of cards on phones (ui/table.css), one markup.
import type { TSessionListItem } from "@handoff/api/client-contract";
import { Link, useLocation } from "wouter";
import { TextParts } from "../knowledge/text-parts.tsx";
import { formatRelativeTime } from "../lib/relative-time.ts";
import { Confidence, PriorityBadge, StatusBadge } from "../ui/badges.tsx";
import { DataTable } from "../ui/data-table.tsx";
import { TicketRef } from "../ui/ticket-ref.tsx";
import "./sessions.css";

export function SessionsTable({ sessions, now }: { sessions: TSessionListItem[]; now: number }) {
  const [, navigate] = useLocation();
  return (
    <DataTable
      testId="sessions-table"
      columns={["Problem", "Status", "Steps", "Confidence", "Owner", "Updated"]}
      variant="table--cards"
    >
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
              {session.summaryHighlight ? (
                <TextParts parts={session.summaryHighlight} />
              ) : (
                session.problemSummary
              )}
            </Link>
            {session.snippet && (
              <p className="table__snippet" data-testid="search-snippet">
                <TextParts parts={session.snippet} />
              </p>
            )}
            <div className="table__sub">
              <span>{session.problemDomain}</span>
              {session.psaTicketId && <TicketRef ticketId={session.psaTicketId} url={session.psaTicketUrl} />}
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
    </DataTable>
  );
}
