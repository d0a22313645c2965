// The holder's tools on the branch map: open a branch under any branch (or at the root), mark
// one a dead end or resolved with its outcome, reopen it, make it the active one.
import { LIMITS, type TBranchNode } from "@handoff/api/client-contract";
import { errorMessage } from "../lib/api-errors.ts";
import { InlineTextForm } from "../ui/inline-text-form.tsx";
import type { TSessionActions } from "./use-session-actions.ts";
import "./sessions.css";

/** Which branch form is open: a new branch (under `parentId`, null = root) or an outcome. */
export type TBranchEditing =
  | { mode: "open"; parentId: string | null }
  | { mode: "dead_end" | "resolved"; branchId: string }
  | null;

type TBranchToolsProps = {
  sessionId: string;
  branch: TBranchNode;
  isActive: boolean;
  editing: TBranchEditing;
  onEdit(editing: TBranchEditing): void;
  actions: Pick<TSessionActions, "openBranch" | "setBranch">;
};

const OUTCOME_LABEL = { dead_end: "Why it was a dead end", resolved: "What it fixed" } as const;

export function BranchTools({ sessionId, branch, isActive, editing, onEdit, actions }: TBranchToolsProps) {
  const { openBranch, setBranch } = actions;
  const isBusy = openBranch.isPending || setBranch.isPending;
  const close = () => onEdit(null);
  const setStatus = (status: TBranchNode["status"], outcome?: string) =>
    setBranch.mutate(
      { sessionId, branchId: branch.id, status, ...(outcome !== undefined && { outcome }) },
      { onSuccess: close },
    );

  if (editing?.mode === "open" && editing.parentId === branch.id) {
    return (
      <InlineTextForm
        label={`New branch under ${branch.label}`}
        placeholder="What will you try? e.g. Rebuild the Outlook profile"
        submitLabel="Open branch"
        maxLength={LIMITS.branchLabel}
        isBusy={isBusy}
        error={openBranch.error}
        onSubmit={(label) =>
          openBranch.mutate({ sessionId, parentId: branch.id, label }, { onSuccess: close })
        }
        onCancel={close}
      />
    );
  }
  if ((editing?.mode === "dead_end" || editing?.mode === "resolved") && editing.branchId === branch.id) {
    const status = editing.mode;
    return (
      <InlineTextForm
        label={OUTCOME_LABEL[status]}
        submitLabel={status === "dead_end" ? "Mark dead end" : "Mark resolved"}
        initialValue={branch.outcome ?? ""}
        maxLength={LIMITS.outcome}
        isRequired={false}
        isBusy={isBusy}
        error={setBranch.error}
        onSubmit={(outcome) => setStatus(status, outcome)}
        onCancel={close}
      />
    );
  }

  return (
    <div className="branch__tools">
      {!isActive && branch.status === "open" && (
        <button
          type="button"
          className="link-button"
          disabled={isBusy}
          onClick={() => setBranch.mutate({ sessionId, branchId: branch.id, active: true })}
        >
          Make active
        </button>
      )}
      <button
        type="button"
        className="link-button"
        onClick={() => onEdit({ mode: "open", parentId: branch.id })}
      >
        Branch from here
      </button>
      {branch.status === "open" ? (
        <>
          <button
            type="button"
            className="link-button"
            onClick={() => onEdit({ mode: "dead_end", branchId: branch.id })}
          >
            Dead end
          </button>
          <button
            type="button"
            className="link-button"
            onClick={() => onEdit({ mode: "resolved", branchId: branch.id })}
          >
            Resolved
          </button>
        </>
      ) : (
        <button type="button" className="link-button" disabled={isBusy} onClick={() => setStatus("open")}>
          Reopen branch
        </button>
      )}
      {setBranch.error && editing === null && (
        <span className="form-error" role="alert">
          {errorMessage(setBranch.error)}
        </span>
      )}
    </div>
  );
}

/** "New branch" at the root of the map. */
export function RootBranchForm({
  sessionId,
  editing,
  onEdit,
  openBranch,
}: Pick<TBranchToolsProps, "sessionId" | "editing" | "onEdit"> & Pick<TSessionActions, "openBranch">) {
  if (!(editing?.mode === "open" && editing.parentId === null)) {
    return (
      <button
        type="button"
        className="button button--small"
        onClick={() => onEdit({ mode: "open", parentId: null })}
      >
        New branch
      </button>
    );
  }
  return (
    <InlineTextForm
      label="New branch"
      placeholder="What will you try? e.g. Check the mailbox permissions"
      submitLabel="Open branch"
      maxLength={LIMITS.branchLabel}
      isBusy={openBranch.isPending}
      error={openBranch.error}
      onSubmit={(label) => openBranch.mutate({ sessionId, label }, { onSuccess: () => onEdit(null) })}
      onCancel={() => onEdit(null)}
    />
  );
}
