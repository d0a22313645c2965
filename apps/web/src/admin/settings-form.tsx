// The form of an admin settings tab: its title, the fields (given as children), the server's message
// when it is not about one field, a note once saved (until a field changes again), and the submit button.
import { type FormEvent, type ReactNode, useEffect, useId, useState } from "react";
import { errorMessage, fieldProblems } from "../lib/api-errors.ts";
import { FormError } from "../ui/form-error.tsx";

type TSettingsFormProps = {
  title: string;
  /** The save: pending, or its outcome. */
  mutation: { isPending: boolean; isSuccess?: boolean; error: unknown };
  /** The fields are disabled while the save is pending, and also when this is true. */
  isDisabled: boolean;
  submitLabel: string;
  /** Shown once the save succeeded, until a field is changed again. */
  savedNote?: string;
  onSubmit(): void;
  children: ReactNode;
};

export function SettingsForm(props: TSettingsFormProps) {
  const titleId = useId();
  const { mutation } = props;
  const hasFieldProblems = Object.keys(fieldProblems(mutation.error)).length > 0;
  const [isChangedSinceSave, setChangedSinceSave] = useState(false);
  // Cleared once the next save is under way, not at the click: until then the last save's success
  // still stands, and would read as this one's.
  useEffect(() => {
    if (mutation.isPending) setChangedSinceSave(false);
  }, [mutation.isPending]);
  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit();
  };
  return (
    <form
      className="panel"
      onSubmit={handleSubmit}
      onChange={() => setChangedSinceSave(true)}
      aria-labelledby={titleId}
      aria-busy={mutation.isPending}
    >
      <h2 id={titleId}>{props.title}</h2>
      <fieldset className="settings__fields" disabled={mutation.isPending || props.isDisabled}>
        {props.children}
        <FormError message={Boolean(mutation.error) && !hasFieldProblems && errorMessage(mutation.error)} />
        {props.savedNote && mutation.isSuccess && !mutation.isPending && !isChangedSinceSave && (
          <p className="muted" role="status">
            {props.savedNote}
          </p>
        )}
        <div className="settings__actions">
          <button type="submit" className="button button--primary">
            {mutation.isPending ? "Saving…" : props.submitLabel}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
