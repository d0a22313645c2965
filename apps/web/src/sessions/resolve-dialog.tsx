// Resolve the session with what fixed it. A handoff still waiting in the queue is withdrawn.
import { LIMITS } from "@handoff/api/client-contract";
import { type FormEvent, useState } from "react";
import { useViewer } from "../auth/auth-context.tsx";
import { errorMessage } from "../lib/api-errors.ts";
import { readDraft, removeDraft, writeDraft } from "../lib/drafts.ts";
import { Field } from "../ui/field.tsx";
import { FormError } from "../ui/form-error.tsx";
import { isOverLimit, LengthLimit } from "../ui/length-limit.tsx";
import { ModalDialog } from "../ui/modal-dialog.tsx";
import type { TSessionActions } from "./use-session-actions.ts";

type TResolveDialogProps = {
  sessionId: string;
  hasOpenHandoff: boolean;
  resolve: TSessionActions["resolve"];
  onClose(): void;
};

export function ResolveDialog({ sessionId, hasOpenHandoff, resolve, onClose }: TResolveDialogProps) {
  const viewer = useViewer();
  const draftName = `resolution:${sessionId}`;
  const [resolution, setResolution] = useState(() => {
    const draft = readDraft(viewer.id, draftName);
    return typeof draft === "string" ? draft : "";
  });

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (resolve.isPending) return;
    try {
      await resolve.mutateAsync({ sessionId, resolution });
      removeDraft(viewer.id, draftName);
      onClose();
    } catch {
      // Shown below.
    }
  };

  return (
    <ModalDialog labelledBy="resolve-title" isBusy={resolve.isPending} onClose={onClose}>
      <form onSubmit={handleSubmit} aria-busy={resolve.isPending}>
        <header className="dialog__header">
          <h2 id="resolve-title">Resolve the session</h2>
          <p className="muted">
            {hasOpenHandoff
              ? "Its handoff leaves the queue. You can reopen the session later."
              : "You can reopen it later if the problem comes back."}
          </p>
        </header>
        <fieldset className="dialog__body" disabled={resolve.isPending}>
          <Field label="Resolution">
            <textarea
              rows={4}
              placeholder="What fixed it, so the next engineer can do the same"
              value={resolution}
              onChange={(event) => {
                setResolution(event.target.value);
                writeDraft(viewer.id, draftName, event.target.value);
              }}
            />
          </Field>
          <LengthLimit text={resolution} limit={LIMITS.resolution} what="The resolution" />
          <FormError message={resolve.error && errorMessage(resolve.error)} />
        </fieldset>
        <footer className="dialog__footer">
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button
            type="submit"
            className="button button--primary"
            disabled={!resolution.trim() || isOverLimit(resolution, LIMITS.resolution)}
          >
            {resolve.isPending ? "Resolving…" : "Resolve"}
          </button>
        </footer>
      </form>
    </ModalDialog>
  );
}
