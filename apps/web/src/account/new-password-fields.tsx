// The two fields for choosing a password: the new one, and the same again, since a typo in a hidden
// field would lock its owner out. The rules are the server's; its message shows under the fields.
import { LIMITS } from "@handoff/api/client-contract";
import { CredentialField } from "../ui/credential-field.tsx";
import { FormError } from "../ui/form-error.tsx";

export type TNewPassword = { password: string; confirmation: string };

/** What is wrong before asking the server: only whether the two fields agree. */
export function confirmationProblem({ password, confirmation }: TNewPassword): string | null {
  return password === confirmation ? null : "The two new passwords are not the same.";
}

type TNewPasswordFieldsProps = {
  value: TNewPassword;
  onChange(value: TNewPassword): void;
  problem: string | null;
  isDisabled: boolean;
};

type TNewPasswordFieldProps = {
  name: string;
  value: string;
  onChange(value: string): void;
  isDisabled?: boolean;
};

/** The new password alone, its label saying the server's minimum length (also the invitation's). */
export function NewPasswordField(props: TNewPasswordFieldProps) {
  return (
    <CredentialField
      label={`New password (${LIMITS.newPasswordMin} characters or more)`}
      type="password"
      autoComplete="new-password"
      {...props}
    />
  );
}

export function NewPasswordFields({ value, onChange, problem, isDisabled }: TNewPasswordFieldsProps) {
  return (
    <>
      <NewPasswordField
        name="new-password"
        isDisabled={isDisabled}
        value={value.password}
        onChange={(password) => onChange({ ...value, password })}
      />
      <CredentialField
        label="New password again"
        type="password"
        name="confirm-password"
        autoComplete="new-password"
        isDisabled={isDisabled}
        value={value.confirmation}
        onChange={(confirmation) => onChange({ ...value, confirmation })}
      />
      <FormError message={problem} />
    </>
  );
}
