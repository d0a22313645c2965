// What happened in a session: the steps and notes in order, and the log of every change.
import type { TBranchNode, TSessionEntry, TSessionLogEntry } from "@handoff/api/client-contract";
import { formatDateTime, formatRelativeTime } from "../lib/relative-time.ts";
import { useNow } from "../lib/use-now.ts";
import { LongText } from "../ui/long-text.tsx";
import "../handoffs/handoff.css";
import "./sessions.css";

export function SessionEntries({ entries, branches }: { entries: TSessionEntry[]; branches: TBranchNode[] }) {
  if (entries.length === 0) return <p className="muted">No steps or notes yet.</p>;
  const labels = new Map(branches.map((branch) => [branch.id, branch.label]));
  return (
    <ol className="messages" data-testid="session-entries">
      {entries.map((entry) => (
        <li key={entry.id} className={`message message--${entry.authorKind} message--${entry.kind}`}>
          <div className="message__meta">
            <span className={`entry-kind entry-kind--${entry.kind}`}>
              {entry.kind === "step" ? "Step" : "Note"}
            </span>
            <strong>
              {entry.author?.name ?? (entry.authorKind === "assistant" ? "Assistant" : "System")}
            </strong>
            <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
            {entry.branchId && labels.has(entry.branchId) && (
              <span className="message__branch">on {labels.get(entry.branchId)}</span>
            )}
          </div>
          <LongText text={entry.body} />
        </li>
      ))}
    </ol>
  );
}

export function SessionLog({ log }: { log: TSessionLogEntry[] }) {
  const now = useNow(30_000);
  if (log.length === 0) return <p className="muted">No changes yet.</p>;
  // Newest first: the log answers "what just happened?".
  return (
    <ol className="activity" data-testid="session-log">
      {[...log].reverse().map((row) => (
        <li key={row.id} className="activity__row">
          <span>
            <strong>{row.actor?.name ?? "Handoff"}</strong> {lowerFirst(row.summary)}
          </span>
          <time className="muted" dateTime={row.at} title={formatDateTime(row.at)}>
            {formatRelativeTime(row.at, now)}
          </time>
        </li>
      ))}
    </ol>
  );
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
