// Sign-in. On success goes back where the user was headed (?next=), or home for their role.
import { type FormEvent, useEffect, useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { homePathFor, useAuth } from "../auth/auth-context.tsx";
import { errorCode, errorMessage } from "../lib/api-errors.ts";

function safeNext(next: string | null): string | null {
  // Only same-app paths: never let ?next= send someone to another site.
  return next?.startsWith("/") && !next.startsWith("//") ? next : null;
}

export function LoginPage() {
  const { viewer, signIn } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [isSubmitting, setIsSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const next = safeNext(params.get("next"));

  useEffect(() => {
    document.title = "Sign in · Handoff";
  }, []);

  if (viewer && !isSubmitting) return <Navigate to={next ?? homePathFor(viewer)} replace />;

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setIsSubmitting(true);
    setError(null);
    try {
      const signedIn = await signIn(email, password);
      navigate(next ?? homePathFor(signedIn), { replace: true });
    } catch (caught) {
      setError(
        errorCode(caught) === "UNAUTHORIZED" ? "That email and password don't match." : errorMessage(caught),
      );
      setIsSubmitting(false);
    }
  };

  return (
    <main className="login">
      <form className="login__card" onSubmit={handleSubmit} aria-labelledby="login-title">
        <div className="login__brand">
          <span className="logo" aria-hidden="true">
            ⇢
          </span>
          Handoff
        </div>
        <h1 id="login-title">Sign in</h1>
        <p className="muted">Pick up where your team left off.</p>
        <label className="field">
          <span>Email</span>
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
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
          {isSubmitting ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
