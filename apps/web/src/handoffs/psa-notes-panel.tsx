// What became of the handoff's notes on its PSA ticket: added (with the PSA's note id), still
// being tried, or failed with the PSA's answer and, for ADMINs, a Retry (job.retry).
import type { TPsaNoteView } from "@handoff/api/client-contract";
import { useEffect } from "react";
import { isAdmin, useViewer } from "../auth/auth-context.tsx";
import { errorMessage } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";
import "./psa-notes.css";

const KIND_LABELS: Record<TPsaNoteView["kind"], string> = {
  escalated: "Escalation note",
  claimed: "Claim note",
  resolved: "Resolution note",
};

const ticket = (ticketId: string) => `#${ticketId.replace(/^#/, "")}`;

/** `version` changes when the handoff does (a claim, a resolve), so new notes show up. */
export function PsaNotesPanel({ handoffId, version }: { handoffId: string; version: string }) {
  const notes = trpc.psa.notes.useQuery(
    { handoffId },
    {
      refetchInterval: (query) =>
        query.state.data?.some((note) => note.status === "pending") ? 2_000 : 15_000,
    },
  );
  const { refetch } = notes;
  // A claim or release of the handoff may have added a note.
  useEffect(() => {
    void refetch();
  }, [version, refetch]);
  if (!notes.data || notes.data.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="psa-notes-title" data-testid="psa-notes">
      <h2 id="psa-notes-title">PSA ticket</h2>
      <ul className="psa-notes">
        {notes.data.map((note) => (
          <PsaNoteRow key={note.id} note={note} />
        ))}
      </ul>
    </section>
  );
}

function PsaNoteRow({ note }: { note: TPsaNoteView }) {
  const viewer = useViewer();
  const utils = trpc.useUtils();
  const retry = trpc.job.retry.useMutation({ onSettled: () => utils.psa.notes.invalidate() });
  return (
    <li className={`psa-note psa-note--${note.status}`} data-status={note.status}>
      <span className="muted">{KIND_LABELS[note.kind]}</span>
      {note.status === "sent" && <span>Note added to ticket {ticket(note.ticketId)}</span>}
      {note.status === "pending" && (
        <span>
          Adding a note to ticket {ticket(note.ticketId)}…
          {note.lastError && <span className="muted"> (retrying: {note.lastError})</span>}
        </span>
      )}
      {note.status === "failed" && (
        <>
          <span role="alert">
            Could not add the note to ticket {ticket(note.ticketId)}: {note.lastError}
          </span>
          {isAdmin(viewer) && note.isRetryable && note.jobId && (
            <button
              type="button"
              className="button button--small"
              disabled={retry.isPending}
              onClick={() => note.jobId && retry.mutate({ jobId: note.jobId })}
            >
              {retry.isPending ? "Retrying…" : "Retry"}
            </button>
          )}
          {retry.error && <span className="field__problem">{errorMessage(retry.error)}</span>}
        </>
      )}
    </li>
  );
}
