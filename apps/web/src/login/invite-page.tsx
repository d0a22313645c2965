// /invite#<token>: someone invited by an admin chooses a password and is signed in. The token sits
// in the fragment, so it never reaches a server log; the link works once.
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { homePathFor, useAuth } from "../auth/auth-context.tsx";
import { errorMessage, fieldProblems } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";

export function InvitePage() {
  const token = window.location.hash.slice(1);
  const { acceptInvite } = useAuth();
  const navigate = useNavigate();
  const invitation = trpc.auth.invitation.useQuery({ token }, { enabled: token !== "", retry: false });
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [isSubmitting, setIsSubmitting] = useState(false);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setIsSubmitting(true);
    setError(null);
    try {
      const viewer = await acceptInvite(token, password);
      navigate(homePathFor(viewer), { replace: true });
    } catch (caught) {
      setError(fieldProblems<"password">(caught).password ?? errorMessage(caught));
      setIsSubmitting(false);
    }
  };

  return (
    <main className="login">
      <form className="login__card" onSubmit={handleSubmit} aria-labelledby="invite-title">
        <div className="login__brand">
          <span className="logo" aria-hidden="true">
            ⇢
          </span>
          Handoff
        </div>
        <h1 id="invite-title">Join your team</h1>
        {invitation.isPending && token !== "" && <p className="muted">Checking your invitation…</p>}
        {(token === "" || invitation.error) && (
          <p className="form-error" role="alert">
            {invitation.error ? errorMessage(invitation.error) : "This invitation link is incomplete."}
          </p>
        )}
        {invitation.data && (
          <>
            <p className="muted">
              {invitation.data.name}, choose a password to join {invitation.data.accountName} as{" "}
              {invitation.data.email}.
            </p>
            <label className="field">
              <span>New password (10 characters or more)</span>
              <input
                type="password"
                name="password"
                autoComplete="new-password"
                required
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            </label>
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" className="button button--primary button--block" disabled={isSubmitting}>
              {isSubmitting ? "Joining…" : "Set password and sign in"}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
