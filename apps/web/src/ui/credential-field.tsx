// The labelled inputs of sign-in forms (an email, a password). The autoComplete hints let password
// managers fill and save the right value.
import { Field } from "./field.tsx";

type TCredentialFieldProps = {
  label: string;
  type: "email" | "password";
  autoComplete: "username" | "current-password" | "new-password";
  name: string;
  value: string;
  onChange(value: string): void;
  isDisabled?: boolean;
};

export function CredentialField({ label, onChange, isDisabled = false, ...input }: TCredentialFieldProps) {
  return (
    <Field label={label}>
      <input {...input} required disabled={isDisabled} onChange={(event) => onChange(event.target.value)} />
    </Field>
  );
}

/** The email a person signs in with (the sign-in and forgotten-password forms). */
export function EmailField({ value, onChange }: { value: string; onChange(value: string): void }) {
  return (
    <CredentialField
      label="Email"
      type="email"
      name="email"
      autoComplete="username"
      value={value}
      onChange={onChange}
    />
  );
}
