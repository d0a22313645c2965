// /reset-password#token=…: the link from a password reset email. The token sits in the fragment, so
// it never reaches a server log or another site's Referer. Choosing a new password here signs the
// user out everywhere; they then sign in with it.
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { Link } from "wouter";
import {
  confirmationProblem,
  NewPasswordFields,
  type TNewPassword,
} from "../account/new-password-fields.tsx";
import { VIEWER_QUERY_KEY } from "../auth/auth-context.tsx";
import { errorMessage, fieldProblems } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";
import { FormError } from "../ui/form-error.tsx";
import { AuthCard } from "./auth-card.tsx";

export function ResetPasswordPage() {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token") ?? "";
  const queryClient = useQueryClient();
  const [value, setValue] = useState<TNewPassword>({ password: "", confirmation: "" });
  const [mismatch, setMismatch] = useState<string | null>(null);
  const reset = trpc.password.reset.useMutation({
    // Every login of the user ended, this browser's too if it was signed in.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: VIEWER_QUERY_KEY }),
  });

  useEffect(() => {
    document.title = "Choose a new password · Handoff";
  }, []);

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    const problem = confirmationProblem(value);
    setMismatch(problem);
    if (!problem) reset.mutate({ token, password: value.password });
  };

  if (reset.isSuccess) {
    return (
      <AuthCard titleId="reset-title" title="Password changed" onSubmit={(event) => event.preventDefault()}>
        <p role="status">
          Your new password is set, and {reset.data.email} was signed out everywhere. Sign in with the new
          password.
        </p>
        <Link className="button button--primary button--block" to="/login">
          Sign in
        </Link>
      </AuthCard>
    );
  }

  const problems = fieldProblems<"password" | "token">(reset.error);
  const serverProblem = reset.error && (problems.password ?? problems.token ?? errorMessage(reset.error));
  return (
    <AuthCard titleId="reset-title" title="Choose a new password" onSubmit={handleSubmit}>
      {token === "" ? (
        <FormError message="This password reset link is incomplete. Open the link from the email again, or ask for a new one." />
      ) : (
        <>
          <NewPasswordFields
            value={value}
            onChange={setValue}
            problem={mismatch ?? serverProblem ?? null}
            isDisabled={reset.isPending}
          />
          <button type="submit" className="button button--primary button--block" disabled={reset.isPending}>
            {reset.isPending ? "Saving…" : "Set new password"}
          </button>
        </>
      )}
      <Link to="/forgot-password">Ask for a new link</Link>
    </AuthCard>
  );
}
