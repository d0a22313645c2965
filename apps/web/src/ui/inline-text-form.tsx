// A one-field form that opens in place (a branch label, an outcome): Enter saves, Escape cancels.
import { type FormEvent, useState } from "react";
import { errorMessage } from "../lib/api-errors.ts";
import "./inline-text-form.css";

type TInlineTextFormProps = {
  label: string;
  submitLabel: string;
  initialValue?: string;
  placeholder?: string;
  maxLength: number;
  isRequired?: boolean;
  isBusy: boolean;
  error: unknown;
  onSubmit(value: string): void;
  onCancel(): void;
};

export function InlineTextForm({
  label,
  submitLabel,
  initialValue = "",
  placeholder,
  maxLength,
  isRequired = true,
  isBusy,
  error,
  onSubmit,
  onCancel,
}: TInlineTextFormProps) {
  const [value, setValue] = useState(initialValue);
  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (isBusy || (isRequired && value.trim() === "")) return;
    onSubmit(value.trim());
  };
  return (
    <form className="inline-form" onSubmit={handleSubmit}>
      <label className="inline-form__field">
        <span className="visually-hidden">{label}</span>
        <input
          // biome-ignore lint/a11y/noAutofocus: the form opens because the user asked to type here.
          autoFocus
          value={value}
          placeholder={placeholder ?? label}
          maxLength={maxLength}
          onChange={(event) => setValue(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Escape") {
              event.preventDefault();
              onCancel();
            }
          }}
        />
      </label>
      <button type="submit" className="button button--primary button--small" disabled={isBusy}>
        {submitLabel}
      </button>
      <button type="button" className="button button--ghost button--small" onClick={onCancel}>
        Cancel
      </button>
      {Boolean(error) && (
        <p className="form-error inline-form__error" role="alert">
          {errorMessage(error)}
        </p>
      )}
    </form>
  );
}
