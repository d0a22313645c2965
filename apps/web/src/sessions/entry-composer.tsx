// Log a step or a note on the active branch. Enter adds it, Shift+Enter starts a new line.
import { LIMITS, type TEntryKind } from "@handoff/api/helpers";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../lib/api-errors.ts";
import { Segmented } from "../ui/segmented.tsx";
import type { TSessionActions } from "./use-session-actions.ts";

const KIND_OPTIONS = [
  { value: "step", label: "Step" },
  { value: "note", label: "Note" },
] as const satisfies ReadonlyArray<{ value: TEntryKind; label: string }>;

const PLACEHOLDER: Record<TEntryKind, string> = {
  step: "What you did, e.g. Cleared the cached credentials in Credential Manager",
  note: "What you noticed, e.g. Only happens on the VPN",
};

type TEntryComposerProps = {
  sessionId: string;
  activeBranchLabel: string | null;
  addEntry: TSessionActions["addEntry"];
};

export function EntryComposer({ sessionId, activeBranchLabel, addEntry }: TEntryComposerProps) {
  const [kind, setKind] = useState<TEntryKind>("step");
  const [body, setBody] = useState("");

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (addEntry.isPending || body.trim() === "") return;
    try {
      await addEntry.mutateAsync({ sessionId, kind, body });
      setBody("");
    } catch {
      // Shown below; the text stays for another try.
    }
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
        maxLength={LIMITS.entryBody}
        placeholder={PLACEHOLDER[kind]}
        value={body}
        onChange={(event) => setBody(event.target.value)}
        onKeyDown={(event) => {
          if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
          event.preventDefault();
          void submit();
        }}
      />
      {addEntry.error && (
        <p className="form-error" role="alert">
          {errorMessage(addEntry.error)}
        </p>
      )}
      <div className="composer__bottom">
        <span className="keyboard-hint composer__hint">
          <kbd>Enter</kbd> adds · <kbd>Shift</kbd>+<kbd>Enter</kbd> new line
        </span>
        <button
          type="submit"
          className="button button--primary"
          disabled={addEntry.isPending || !body.trim()}
        >
          {addEntry.isPending ? "Adding…" : kind === "step" ? "Add step" : "Add note"}
        </button>
      </div>
    </form>
  );
}
