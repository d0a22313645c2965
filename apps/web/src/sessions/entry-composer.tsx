// Log a step or a note on the active branch. Enter adds it, Shift+Enter starts a new line. The
// box clears the moment an entry is handed to the outbox, so typing the next step while the first
// one saves never mixes the two; the outbox sends them in order and keeps any that failed.
import { LIMITS, type TEntryKind } from "@handoff/api/client-contract";
import { type FormEvent, useState } from "react";
import { isOverLimit, LengthLimit } from "../ui/length-limit.tsx";
import { Segmented } from "../ui/segmented.tsx";
import { type TOutgoingEntry, useEntryOutbox } from "./entry-outbox.ts";
import type { TSessionActions } from "./use-session-actions.ts";
import "./sessions.css";

const KIND_OPTIONS = [
  { value: "step", label: "Step" },
  { value: "note", label: "Note" },
] as const satisfies ReadonlyArray<{ value: TEntryKind; label: string }>;

const PLACEHOLDER: Record<TEntryKind, string> = {
  step: "What you did, e.g. Cleared the cached credentials in Credential Manager",
  note: "What you noticed, e.g. Only happens on the VPN",
};

const KIND_NAME: Record<TEntryKind, string> = { step: "This step", note: "This note" };

type TEntryComposerProps = {
  sessionId: string;
  activeBranchLabel: string | null;
  addEntry: TSessionActions["addEntry"];
};

export function EntryComposer({ sessionId, activeBranchLabel, addEntry }: TEntryComposerProps) {
  const [kind, setKind] = useState<TEntryKind>("step");
  const [body, setBody] = useState("");
  const { outbox, enqueue, retry, remove } = useEntryOutbox((entry) =>
    addEntry.mutateAsync({ sessionId, ...entry }),
  );
  const canSend = body.trim() !== "" && !isOverLimit(body, LIMITS.entryBody);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!canSend) return;
    enqueue(kind, body);
    setBody("");
  };

  const takeBack = (entry: TOutgoingEntry) => {
    remove(entry.key);
    setKind(entry.kind);
    setBody((current) => (current.trim() ? `${entry.body}\n${current}` : entry.body));
  };

  return (
    <form className="panel composer" onSubmit={submit} aria-label="Add to the session">
      <div className="composer__top">
        <Segmented name="entry-kind" label="Add a" value={kind} options={KIND_OPTIONS} onChange={setKind} />
        <span className="muted composer__where">
          {activeBranchLabel ? (
            <>
              on <strong>{activeBranchLabel}</strong>
            </>
          ) : (
            "on the session"
          )}
        </span>
      </div>
      <textarea
        className="composer__input"
        aria-label={kind === "step" ? "Step" : "Note"}
        rows={2}
        placeholder={PLACEHOLDER[kind]}
        value={body}
        onChange={(event) => setBody(event.target.value)}
        onKeyDown={(event) => {
          if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
          event.preventDefault();
          submit();
        }}
      />
      <LengthLimit text={body} limit={LIMITS.entryBody} what={KIND_NAME[kind]} />
      {outbox.length > 0 && (
        <ol className="composer__outbox" aria-label="Not yet added" data-testid="composer-outbox">
          {outbox.map((entry) => (
            <OutgoingEntry
              key={entry.key}
              entry={entry}
              onRetry={() => retry(entry.key)}
              onEdit={() => takeBack(entry)}
              onDiscard={() => remove(entry.key)}
            />
          ))}
        </ol>
      )}
      <div className="composer__bottom">
        <span className="keyboard-hint composer__hint">
          <kbd>Enter</kbd> adds · <kbd>Shift</kbd>+<kbd>Enter</kbd> new line
        </span>
        <button type="submit" className="button button--primary" disabled={!canSend}>
          {kind === "step" ? "Add step" : "Add note"}
        </button>
      </div>
    </form>
  );
}

type TOutgoingEntryProps = {
  entry: TOutgoingEntry;
  onRetry(): void;
  onEdit(): void;
  onDiscard(): void;
};

function OutgoingEntry({ entry, onRetry, onEdit, onDiscard }: TOutgoingEntryProps) {
  if (entry.state !== "failed") {
    return (
      <li className="outgoing" role="status">
        <span className="outgoing__state">{entry.state === "sending" ? "Adding…" : "Waiting…"}</span>
        <span className="outgoing__body">{entry.body}</span>
      </li>
    );
  }
  return (
    <li className="outgoing outgoing--failed">
      <span className="outgoing__state" role="alert">
        Not added: {entry.error}
      </span>
      <span className="outgoing__body">{entry.body}</span>
      <span className="outgoing__actions">
        <button type="button" className="button button--small" onClick={onRetry}>
          Retry
        </button>
        <button type="button" className="button button--small" onClick={onEdit}>
          Edit
        </button>
        <button type="button" className="button button--small button--ghost" onClick={onDiscard}>
          Discard
        </button>
      </span>
    </li>
  );
}
