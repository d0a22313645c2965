// /invite#<token>: someone invited by an admin chooses a password and is signed in. The token sits
// in the fragment, so it never reaches a server log; the link works once.

import { useState } from "react";
import { useLocation } from "wouter";
import { NewPasswordField } from "../account/new-password-fields.tsx";
import { homePathFor, useAuth } from "../auth/auth-context.tsx";
import { errorMessage, fieldProblems } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";
import { useFormSubmit } from "../lib/use-form-submit.ts";
import { FormError } from "../ui/form-error.tsx";
import { AuthCard } from "./auth-card.tsx";

export function InvitePage() {
  const token = window.location.hash.slice(1);
  const { acceptInvite } = useAuth();
  const [, navigate] = useLocation();
  const invitation = trpc.auth.invitation.useQuery({ token }, { enabled: token !== "", retry: false });
  const [password, setPassword] = useState("");
  const { isSubmitting, error, handleSubmit } = useFormSubmit(
    async () => {
      const viewer = await acceptInvite(token, password);
      navigate(homePathFor(viewer), { replace: true });
    },
    (caught) => fieldProblems<"password">(caught).password ?? errorMessage(caught),
  );

  return (
    <AuthCard titleId="invite-title" title="Join your team" onSubmit={handleSubmit}>
      {invitation.isPending && token !== "" && <p className="muted">Checking your invitation…</p>}
      {(token === "" || invitation.error) && (
        <FormError
          message={invitation.error ? errorMessage(invitation.error) : "This invitation link is incomplete."}
        />
      )}
      {invitation.data && (
        <>
          <p className="muted">
            {invitation.data.name}, choose a password to join {invitation.data.accountName} as{" "}
            {invitation.data.email}.
          </p>
          <NewPasswordField name="password" value={password} onChange={setPassword} />
          <FormError message={error} />
          <button type="submit" className="button button--primary button--block" disabled={isSubmitting}>
            {isSubmitting ? "Joining…" : "Set password and sign in"}
          </button>
        </>
      )}
    </AuthCard>
  );
}
