// Park or escalate a session: notes, and a priority for escalations. One idempotency key per
// request content, so a double-click (or a retry after a timeout) cannot create two handoffs.
// What is typed is kept as a draft per session (see handoff-draft.ts) until sent or discarded.
import {
  LIMITS,
  type THandoffCard,
  type THandoffIntent,
  type THandoffPriority,
} from "@handoff/api/client-contract";
import { type FormEvent, useRef, useState } from "react";
import { useViewer } from "../auth/auth-context.tsx";
import { errorMessage } from "../lib/api-errors.ts";
import { newIdempotencyKey } from "../lib/random-id.ts";
import { trpc } from "../lib/trpc.ts";
import { Field } from "../ui/field.tsx";
import { FormError } from "../ui/form-error.tsx";
import { isOverLimit, LengthLimit } from "../ui/length-limit.tsx";
import { ModalDialog } from "../ui/modal-dialog.tsx";
import { Segmented } from "../ui/segmented.tsx";
import {
  discardHandoffDraft,
  emptyHandoffDraft,
  loadHandoffDraft,
  saveHandoffDraft,
} from "./handoff-draft.ts";
import "./handoff-dialog.css";

const PRIORITIES: Array<{ value: THandoffPriority; label: string; hint: string }> = [
  { value: "low", label: "Low", hint: "Whenever someone is free" },
  { value: "normal", label: "Normal", hint: "Within the hour" },
  { value: "high", label: "High", hint: "A user is blocked" },
  { value: "urgent", label: "Urgent", hint: "Many users or a site down" },
];

const INTENT_OPTIONS = [
  { value: "escalate", label: "Escalate" },
  { value: "park", label: "Park" },
] as const satisfies ReadonlyArray<{ value: THandoffIntent; label: string }>;

type THandoffDialogProps = {
  sessionId: string;
  initialIntent: THandoffIntent;
  onClose(): void;
  onDone(card: THandoffCard): void;
};

export function HandoffDialog({ sessionId, initialIntent, onClose, onDone }: THandoffDialogProps) {
  const viewer = useViewer();
  const [restored] = useState(() => loadHandoffDraft(viewer.id, sessionId));
  const [intent, setIntent] = useState(initialIntent);
  const [draft, setDraft] = useState(() => restored ?? emptyHandoffDraft());
  const { notes, priority } = draft;
  // One key per request content: a repeated submit (double-click, retry after a lost answer)
  // reuses it, while an edited request after a failure is a new request with a new key.
  const attemptRef = useRef<{ content: string; key: string } | null>(null);
  const isSubmittingRef = useRef(false);
  const utils = trpc.useUtils();
  const park = trpc.handoff.park.useMutation();
  const escalate = trpc.handoff.escalate.useMutation();
  const mutation = intent === "escalate" ? escalate : park;
  const isSubmitting = park.isPending || escalate.isPending;

  const updateDraft = (change: Partial<typeof draft>) => {
    const next = { ...draft, ...change };
    setDraft(next);
    saveHandoffDraft(viewer.id, sessionId, next);
  };

  const hasDraft = notes.trim() !== "" || priority !== emptyHandoffDraft().priority;
  const discard = () => {
    discardHandoffDraft(viewer.id, sessionId);
    onClose();
  };

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    // Guards the same-frame double-click; the idempotency key guards everything else.
    if (isSubmittingRef.current) return;
    isSubmittingRef.current = true;
    const trimmed = notes.trim() || undefined;
    const content = JSON.stringify([intent, intent === "escalate" ? priority : null, trimmed ?? null]);
    if (attemptRef.current?.content !== content) attemptRef.current = { content, key: newIdempotencyKey() };
    const idempotencyKey = attemptRef.current.key;
    try {
      const card =
        intent === "escalate"
          ? await escalate.mutateAsync({ sessionId, notes: trimmed, priority, idempotencyKey })
          : await park.mutateAsync({ sessionId, notes: trimmed, idempotencyKey });
      discardHandoffDraft(viewer.id, sessionId);
      await Promise.all([utils.session.byId.invalidate({ sessionId }), utils.session.list.invalidate()]);
      onDone(card);
    } catch {
      // Shown from the mutation's error below.
    } finally {
      isSubmittingRef.current = false;
    }
  };

  const title = intent === "escalate" ? "Escalate to a senior tech" : "Park this session";
  return (
    <ModalDialog labelledBy="handoff-dialog-title" isBusy={isSubmitting} onClose={onClose}>
      <form onSubmit={handleSubmit} aria-busy={isSubmitting}>
        <header className="dialog__header">
          <h2 id="handoff-dialog-title">{title}</h2>
          <p className="muted">
            {intent === "escalate"
              ? "It goes to the senior techs' live queue right away, with your notes and the session's history."
              : "Pause it for any teammate to pick up. Your notes and the session's history go with it."}
          </p>
          {restored && (
            <p className="dialog__draft" data-testid="draft-restored">
              Your unsent draft is back.
            </p>
          )}
        </header>
        <fieldset className="dialog__body" disabled={isSubmitting}>
          <Segmented
            name="handoff-intent"
            label="Hand off as"
            value={intent}
            options={INTENT_OPTIONS}
            onChange={setIntent}
          />
          <Field label="Notes for whoever picks this up">
            <textarea
              name="notes"
              rows={5}
              placeholder="What you tried, what you suspect, what the user is waiting for…"
              value={notes}
              onChange={(event) => updateDraft({ notes: event.target.value })}
            />
          </Field>
          <LengthLimit text={notes} limit={LIMITS.notes} what="The notes" />
          {intent === "escalate" && (
            <fieldset className="priority-picker">
              <legend>Priority</legend>
              {PRIORITIES.map((option) => (
                <label key={option.value} className={`priority-option priority-option--${option.value}`}>
                  <input
                    type="radio"
                    name="priority"
                    value={option.value}
                    checked={priority === option.value}
                    onChange={() => updateDraft({ priority: option.value })}
                  />
                  <span className="priority-option__label">{option.label}</span>
                  <span className="priority-option__hint">{option.hint}</span>
                </label>
              ))}
            </fieldset>
          )}
          <FormError message={mutation.error && errorMessage(mutation.error)} />
        </fieldset>
        <footer className="dialog__footer">
          {hasDraft && (
            <button type="button" className="button button--ghost" onClick={discard} disabled={isSubmitting}>
              Discard
            </button>
          )}
          <button type="button" className="button" onClick={onClose} disabled={isSubmitting}>
            Close
          </button>
          <button
            type="submit"
            className="button button--primary"
            disabled={isSubmitting || isOverLimit(notes, LIMITS.notes)}
          >
            {isSubmitting ? "Sending…" : intent === "escalate" ? "Escalate" : "Park session"}
          </button>
        </footer>
      </form>
    </ModalDialog>
  );
}
