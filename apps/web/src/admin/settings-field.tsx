// One labelled text input of a settings form, with its hint and the server's problem with it.
import { Field } from "../ui/field.tsx";

export function SettingsField(props: {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: string;
  placeholder?: string;
  hint?: string;
  problem?: string;
}) {
  return (
    <Field label={props.label} hint={props.hint} problem={props.problem}>
      <input
        name={props.name}
        type={props.type ?? "text"}
        autoComplete="off"
        spellCheck={false}
        placeholder={props.placeholder}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        aria-invalid={props.problem ? true : undefined}
      />
    </Field>
  );
}

type TFieldOptions = { type?: string; placeholder?: string; hint?: string };

/** `field(name, label, options)` for a form's text fields, wired to its values and problems. */
export function settingsFields<TField extends string>(
  values: Record<TField, string>,
  onChange: (name: TField, value: string) => void,
  problems: Partial<Record<TField, string>>,
) {
  return (name: TField, label: string, options: TFieldOptions = {}) => (
    <SettingsField
      name={name}
      label={label}
      value={values[name]}
      onChange={(value) => onChange(name, value)}
      problem={problems[name]}
      {...options}
    />
  );
}
