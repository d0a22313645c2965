// The account's escalation policy, for admins and the owner (/admin/policy): response targets per
// priority and what happens when they pass. Everyone else reads it and cannot save. The server
// validates the whole policy; its field messages show next to the fields.
import {
  BUSINESS_DAY_MINUTES,
  HANDOFF_PRIORITIES,
  type TEscalationPolicy,
  type THandoffPriority,
} from "@handoff/api/client-contract";
import { type FormEvent, useEffect, useState } from "react";
import { isAdmin, useViewer } from "../auth/auth-context.tsx";
import { errorMessage, fieldProblems } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";
import { FormError } from "../ui/form-error.tsx";
import "./policy.css";

type TSetting = "repeatEvery" | "repeatMax" | "idleClaimAfter" | "maxLifetime";
type TDraft = Record<THandoffPriority, string> & Record<TSetting, string>;
/** Where the server's problem with each draft field is reported. */
const PROBLEM_PATH: Record<keyof TDraft, string> = {
  urgent: "targets.urgent",
  high: "targets.high",
  normal: "targets.normal",
  low: "targets.low",
  repeatEvery: "repeatEvery",
  repeatMax: "repeatMax",
  idleClaimAfter: "idleClaimAfter",
  maxLifetime: "maxLifetime",
};

function toDraft(policy: TEscalationPolicy): TDraft {
  return {
    ...(Object.fromEntries(
      HANDOFF_PRIORITIES.map((priority) => [priority, String(policy.targets[priority])]),
    ) as Record<THandoffPriority, string>),
    repeatEvery: String(policy.repeatEvery),
    repeatMax: String(policy.repeatMax),
    idleClaimAfter: String(policy.idleClaimAfter),
    maxLifetime: String(policy.maxLifetime),
  };
}

function fromDraft(draft: TDraft): TEscalationPolicy {
  const minutes = (value: string) => (value.trim() === "" ? Number.NaN : Number(value));
  return {
    targets: {
      urgent: minutes(draft.urgent),
      high: minutes(draft.high),
      normal: minutes(draft.normal),
      low: minutes(draft.low),
    },
    repeatEvery: minutes(draft.repeatEvery),
    repeatMax: minutes(draft.repeatMax),
    idleClaimAfter: minutes(draft.idleClaimAfter),
    maxLifetime: minutes(draft.maxLifetime),
  };
}

export function PolicyPage() {
  const viewer = useViewer();
  const canEdit = isAdmin(viewer);
  const utils = trpc.useUtils();
  const policy = trpc.policy.get.useQuery();
  const save = trpc.policy.update.useMutation({
    onSuccess: (saved) => {
      utils.policy.get.setData(undefined, saved);
      // Every card's due time follows the policy.
      void utils.handoff.invalidate();
    },
  });
  const [draft, setDraft] = useState<TDraft | null>(null);
  useEffect(() => {
    if (policy.data && draft === null) setDraft(toDraft(policy.data));
  }, [policy.data, draft]);

  if (policy.error) return <p role="alert">{errorMessage(policy.error)}</p>;
  if (!draft) return <p className="muted">Loading the escalation policy…</p>;

  const problems = fieldProblems<string>(save.error);
  const hasFieldProblems = Object.keys(problems).length > 0;
  const field = (name: keyof TDraft, label: string, unit: string, hint?: string) => {
    const problem = problems[PROBLEM_PATH[name]];
    const problemId = `policy-${name}-problem`;
    return (
      <label className="policy-field">
        <span className="policy-field__label">{label}</span>
        <span className="policy-field__input">
          <input
            type="number"
            inputMode="numeric"
            min={0}
            step={1}
            name={name}
            value={draft[name]}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? problemId : undefined}
            disabled={!canEdit || save.isPending}
            onChange={(event) => setDraft({ ...draft, [name]: event.target.value })}
          />
          <span className="policy-field__unit">{unit}</span>
        </span>
        {hint && <span className="muted">{hint}</span>}
        {problem && (
          <span className="field-error" id={problemId} role="alert">
            {problem}
          </span>
        )}
      </label>
    );
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    if (draft) save.mutate(fromDraft(draft));
  }

  return (
    <section aria-labelledby="policy-title">
      <header className="page-header">
        <div>
          <h1 id="policy-title">Escalation policy</h1>
          <p className="muted">
            How long each escalation may wait unclaimed, and who is paged when it does. All times in minutes;
            one business day counts as {BUSINESS_DAY_MINUTES} minutes (24 hours, round the clock).
          </p>
        </div>
      </header>
      <form
        className="policy-form"
        onSubmit={submit}
        aria-label="Escalation policy"
        data-testid="policy-form"
      >
        <fieldset>
          <legend>Response targets</legend>
          {field("urgent", "Urgent", "min")}
          {field("high", "High", "min")}
          {field("normal", "Normal", "min")}
          {field("low", "Low", "min")}
        </fieldset>
        <fieldset>
          <legend>Unclaimed past its target</legend>
          <p className="muted">Admins, the owner and the senior techs are paged, then again:</p>
          {field("repeatEvery", "Repeat every", "min")}
          {field("repeatMax", "Repeats at most", "times")}
        </fieldset>
        <fieldset>
          <legend>Claimed, but idle</legend>
          {field(
            "idleClaimAfter",
            "No entry or branch change for",
            "min",
            "pages the claimer, then the tier",
          )}
          {field("maxLifetime", "Stop paging after", "min", "from when it was raised")}
        </fieldset>
        <FormError message={save.error && !hasFieldProblems && errorMessage(save.error)} />
        {save.isSuccess && !save.isPending && (
          <p role="status" className="muted">
            Saved. Due times and pending pages follow the new policy.
          </p>
        )}
        {canEdit ? (
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save policy"}
          </button>
        ) : (
          <p className="muted">Only an admin or the owner can change the policy.</p>
        )}
      </form>
    </section>
  );
}
