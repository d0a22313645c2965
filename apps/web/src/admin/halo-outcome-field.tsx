// The outcome HaloPSA gives the notes Handoff adds, picked from the connected instance's own list
// (its outcome names and ids differ per instance). Blank: Halo's "Private Note".
import type { THaloOutcome } from "@handoff/api/client-contract";
import { errorMessage } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";
import { Field } from "../ui/field.tsx";

const PRIVATE_NOTE = "";

export function HaloOutcomeField(props: {
  value: THaloOutcome | null;
  onChange: (outcome: THaloOutcome | null) => void;
}) {
  const outcomes = trpc.psa.haloOutcomes.useQuery(undefined, { retry: false, staleTime: 60_000 });
  const listed = outcomes.data ?? [];
  // The saved outcome stays choosable while the list loads, fails, or no longer has it.
  const choices =
    props.value && !listed.some((outcome) => outcome.id === props.value?.id)
      ? [props.value, ...listed]
      : listed;
  const hint = outcomes.isPending
    ? "Loading the outcomes from Halo…"
    : outcomes.error
      ? `Can't list Halo's outcomes: ${errorMessage(outcomes.error)}`
      : "The outcome Halo gives the notes Handoff adds to tickets.";

  return (
    <Field label="Note outcome" hint={hint}>
      <select
        name="noteOutcome"
        value={props.value ? String(props.value.id) : PRIVATE_NOTE}
        onChange={(event) =>
          props.onChange(choices.find((outcome) => String(outcome.id) === event.target.value) ?? null)
        }
      >
        <option value={PRIVATE_NOTE}>Private Note (Halo's default)</option>
        {choices.map((outcome) => (
          <option key={outcome.id} value={String(outcome.id)}>
            {outcome.name}
          </option>
        ))}
      </select>
    </Field>
  );
}
