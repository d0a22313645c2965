// Changing one's own password: the current one, then the new one twice. The server checks the rules
// and ends every other login of the user; this one stays signed in.
import { type FormEvent, useState } from "react";
import { errorMessage, fieldProblems } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";
import { CredentialField } from "../ui/credential-field.tsx";
import { confirmationProblem, NewPasswordFields, type TNewPassword } from "./new-password-fields.tsx";

const EMPTY = { password: "", confirmation: "" };

function endedText(count: number): string {
  if (count === 0) return "You were not signed in anywhere else.";
  return `You were signed out on ${count} other ${count === 1 ? "device" : "devices"}.`;
}

export function ChangePasswordForm() {
  const [currentPassword, setCurrentPassword] = useState("");
  const [value, setValue] = useState<TNewPassword>(EMPTY);
  const [mismatch, setMismatch] = useState<string | null>(null);
  const change = trpc.password.change.useMutation({
    onSuccess: () => {
      setCurrentPassword("");
      setValue(EMPTY);
    },
  });

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    const problem = confirmationProblem(value);
    setMismatch(problem);
    if (!problem) change.mutate({ currentPassword, newPassword: value.password });
  };

  const problems = fieldProblems<"currentPassword" | "newPassword">(change.error);
  const serverProblem =
    change.error && (problems.newPassword ?? problems.currentPassword ?? errorMessage(change.error));
  return (
    <form className="panel" onSubmit={handleSubmit} aria-labelledby="change-password-title">
      <h2 id="change-password-title">Change password</h2>
      <CredentialField
        label="Current password"
        type="password"
        name="current-password"
        autoComplete="current-password"
        isDisabled={change.isPending}
        value={currentPassword}
        onChange={setCurrentPassword}
      />
      <NewPasswordFields
        value={value}
        onChange={setValue}
        problem={mismatch ?? serverProblem ?? null}
        isDisabled={change.isPending}
      />
      {change.isSuccess && !change.isPending && (
        <p role="status" className="banner banner--success">
          Password changed. {endedText(change.data.endedLogins)}
        </p>
      )}
      <div>
        <button type="submit" className="button button--primary" disabled={change.isPending}>
          {change.isPending ? "Changing…" : "Change password"}
        </button>
      </div>
    </form>
  );
}
