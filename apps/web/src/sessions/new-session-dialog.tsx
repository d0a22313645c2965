// "New session": open a troubleshooting session for a ticket. The server validates it with the
// API's input schema and its messages appear beside the fields; what is typed survives closing
// the dialog (a draft).
import type { TConfidenceTier } from "@handoff/api/client-contract";
import { type FormEvent, useState } from "react";
import { useLocation } from "wouter";
import { useViewer } from "../auth/auth-context.tsx";
import { errorMessage, fieldProblems } from "../lib/api-errors.ts";
import { readDraft, removeDraft, writeDraft } from "../lib/drafts.ts";
import { trpc } from "../lib/trpc.ts";
import { Field } from "../ui/field.tsx";
import { FormError } from "../ui/form-error.tsx";
import { ModalDialog } from "../ui/modal-dialog.tsx";
import { Segmented } from "../ui/segmented.tsx";

const DRAFT_NAME = "new-session";

const CONFIDENCE_OPTIONS = [
  { value: "low", label: "Low" },
  { value: "medium", label: "Medium" },
  { value: "high", label: "High" },
] as const satisfies ReadonlyArray<{ value: TConfidenceTier; label: string }>;

type TForm = {
  problemSummary: string;
  problemDomain: string;
  teamId: string;
  psaTicketId: string;
  confidenceTier: TConfidenceTier;
};

type TTextField = "problemSummary" | "problemDomain" | "psaTicketId";

type TNewSessionDialogProps = {
  /** Domains the account already uses, offered as suggestions. */
  domains: string[];
  teams: Array<{ id: string; name: string }>;
  onClose(): void;
};

export function NewSessionDialog({ domains, teams, onClose }: TNewSessionDialogProps) {
  const viewer = useViewer();
  const [, navigate] = useLocation();
  const utils = trpc.useUtils();
  const create = trpc.session.create.useMutation();
  const [form, setForm] = useState<TForm>(() => ({
    problemSummary: "",
    problemDomain: "",
    teamId: viewer.team?.id ?? "",
    psaTicketId: "",
    confidenceTier: "low",
    ...(readDraft(viewer.id, DRAFT_NAME) as Partial<TForm> | null),
  }));
  const [problems, setProblems] = useState<Partial<Record<keyof TForm, string>>>({});

  const update = (change: Partial<TForm>) => {
    const next = { ...form, ...change };
    setForm(next);
    writeDraft(viewer.id, DRAFT_NAME, next);
  };

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (create.isPending) return;
    setProblems({});
    try {
      const session = await create.mutateAsync({
        ...form,
        teamId: form.teamId || undefined,
        psaTicketId: form.psaTicketId.trim() || undefined,
      });
      removeDraft(viewer.id, DRAFT_NAME);
      await utils.session.list.invalidate();
      navigate(`/sessions/${session.id}`);
    } catch (error) {
      // Field messages go beside their fields; anything else is shown from the mutation's error below.
      setProblems(fieldProblems<keyof TForm>(error));
    }
  };

  /** A one-line text field of the form, bound to its value and saved in the draft as it changes. */
  const textInput = (name: TTextField, placeholder: string, list?: string) => (
    <input
      name={name}
      list={list}
      autoComplete="off"
      placeholder={placeholder}
      value={form[name]}
      onChange={(event) => update({ [name]: event.target.value })}
    />
  );

  const teamOptions = withViewerTeam(teams, viewer.team);
  return (
    <ModalDialog labelledBy="new-session-title" isBusy={create.isPending} onClose={onClose}>
      <form onSubmit={handleSubmit} aria-busy={create.isPending} noValidate>
        <header className="dialog__header">
          <h2 id="new-session-title">New session</h2>
          <p className="muted">Start troubleshooting a ticket. You can change all of this later.</p>
        </header>
        <fieldset className="dialog__body" disabled={create.isPending}>
          <Field label="Problem" problem={problems.problemSummary}>
            {textInput("problemSummary", "e.g. Outlook keeps asking for the password")}
          </Field>
          <div className="field-row">
            <Field label="Domain" problem={problems.problemDomain}>
              {textInput("problemDomain", "e.g. Microsoft 365", "known-domains")}
              <datalist id="known-domains">
                {domains.map((domain) => (
                  <option key={domain} value={domain} />
                ))}
              </datalist>
            </Field>
            <Field label="PSA ticket" problem={problems.psaTicketId}>
              {textInput("psaTicketId", "e.g. 48213")}
            </Field>
          </div>
          <Field label="Team" problem={problems.teamId}>
            <select value={form.teamId} onChange={(event) => update({ teamId: event.target.value })}>
              <option value="">No team</option>
              {teamOptions.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </select>
          </Field>
          <div className="field">
            <span aria-hidden="true">Confidence</span>
            <Segmented
              name="confidenceTier"
              label="Confidence"
              value={form.confidenceTier}
              options={CONFIDENCE_OPTIONS}
              onChange={(confidenceTier) => update({ confidenceTier })}
            />
          </div>
          <FormError
            message={create.error && Object.keys(problems).length === 0 && errorMessage(create.error)}
          />
        </fieldset>
        <footer className="dialog__footer">
          <button
            type="button"
            className="button button--ghost"
            onClick={() => {
              removeDraft(viewer.id, DRAFT_NAME);
              onClose();
            }}
          >
            Discard
          </button>
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="button button--primary">
            {create.isPending ? "Creating…" : "Start session"}
          </button>
        </footer>
      </form>
    </ModalDialog>
  );
}

function withViewerTeam(
  teams: Array<{ id: string; name: string }>,
  own: { id: string; name: string } | null,
): Array<{ id: string; name: string }> {
  if (!own || teams.some((team) => team.id === own.id)) return teams;
  return [own, ...teams].sort((a, b) => a.name.localeCompare(b.name));
}
