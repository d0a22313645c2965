// The one field a second factor is typed into: a 6-digit code from the app (or a recovery code).
import { Field } from "../ui/field.tsx";
export function CodeField({
  value,
  onChange,
  label,
  allowsRecoveryCode = false,
}: {
  value: string;
  onChange(value: string): void;
  label: string;
  allowsRecoveryCode?: boolean;
}) {
  return (
    <Field label={label}>
      <input
        name="code"
        // A recovery code has letters; a TOTP code alone gets the numeric keyboard.
        inputMode={allowsRecoveryCode ? "text" : "numeric"}
        autoComplete="one-time-code"
        autoCapitalize="off"
        spellCheck={false}
        required
        maxLength={40}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </Field>
  );
}
