// /forgot-password: asks for a reset link by email. The answer is the same whether or not the email
// has an account (the server's promise), so the page never says which.
import { type FormEvent, useEffect, useState } from "react";
import { Link } from "wouter";
import { errorMessage, fieldProblems } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";
import { EmailField } from "../ui/credential-field.tsx";
import { FormError } from "../ui/form-error.tsx";
import { AuthCard } from "./auth-card.tsx";

/** The login page passes on the email already typed there, in the history entry's state. */
function emailFrom(state: unknown): string {
  const email = (state as { email?: unknown } | null)?.email;
  return typeof email === "string" ? email : "";
}

export function ForgotPasswordPage() {
  const [email, setEmail] = useState(() => emailFrom(window.history.state));
  const request = trpc.password.requestReset.useMutation();

  useEffect(() => {
    document.title = "Forgot password · Handoff";
  }, []);

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate({ email });
  };

  if (request.isSuccess) {
    return (
      <AuthCard titleId="forgot-title" title="Check your email" onSubmit={(event) => event.preventDefault()}>
        <p role="status">
          If {request.variables.email} belongs to an active Handoff account, we sent it a link to choose a new
          password. The link works once, for 30 minutes.
        </p>
        <p className="muted">Nothing arrived? Check your spam folder, or ask again in a few minutes.</p>
        <Link to="/login">Back to sign in</Link>
      </AuthCard>
    );
  }

  return (
    <AuthCard titleId="forgot-title" title="Forgot your password?" onSubmit={handleSubmit}>
      <p className="muted">Enter your email and we will send you a link to choose a new one.</p>
      <EmailField value={email} onChange={setEmail} />
      <FormError
        message={
          request.error && (fieldProblems<"email">(request.error).email ?? errorMessage(request.error))
        }
      />
      <button type="submit" className="button button--primary button--block" disabled={request.isPending}>
        {request.isPending ? "Sending…" : "Send me a link"}
      </button>
      <Link to="/login">Back to sign in</Link>
    </AuthCard>
  );
}
