// Sign-in. On success goes back where the user was headed (?next=), or home for their role. With
// two-factor on (or required by the account) a second step follows the password (second-step.tsx).
import { ssoRefusalMessage, type TSignInChallenge, type TViewer } from "@handoff/api/client-contract";
import { useEffect, useState } from "react";
import { Link, Redirect, useLocation, useSearchParams } from "wouter";
import { homePathFor, useAuth } from "../auth/auth-context.tsx";
import { errorCode, errorMessage } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";
import { useFormSubmit } from "../lib/use-form-submit.ts";
import { CredentialField, EmailField } from "../ui/credential-field.tsx";
import { FormError } from "../ui/form-error.tsx";
import { AuthCard } from "./auth-card.tsx";
import { SecondStep } from "./second-step.tsx";
import { SsoSignInForm } from "./sso-sign-in-form.tsx";
import "./login.css";

function safeNext(next: string | null): string | null {
  // Only same-app paths: never let ?next= send someone to another site.
  return next?.startsWith("/") && !next.startsWith("//") ? next : null;
}

export function LoginPage() {
  const { viewer, signIn } = useAuth();
  const [, navigate] = useLocation();
  const [params] = useSearchParams();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [challenge, setChallenge] = useState<TSignInChallenge | null>(null);
  const next = safeNext(params.get("next"));
  // A new instance has nobody to sign in yet: its first visitor sets it up instead.
  const setup = trpc.setup.status.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  const ssoRefusal = ssoRefusalMessage(params.get("sso_error"));
  const isSsoOpen = params.get("sso") === "1";
  const ssoParams = new URLSearchParams({ sso: "1", ...(next ? { next } : {}) });

  const goOn = (signedIn: TViewer) => navigate(next ?? homePathFor(signedIn), { replace: true });
  const { isSubmitting, error, handleSubmit } = useFormSubmit(
    async () => {
      const step = await signIn(email, password);
      if (step.viewer) goOn(step.viewer);
      else setChallenge(step.challenge);
    },
    (caught) =>
      errorCode(caught) === "UNAUTHORIZED" ? "That email and password don't match." : errorMessage(caught),
  );

  useEffect(() => {
    document.title = "Sign in · Handoff";
  }, []);

  if (viewer && !isSubmitting && !challenge) return <Redirect to={next ?? homePathFor(viewer)} replace />;
  if (setup.data?.isSetupNeeded) return <Redirect to="/setup" replace />;

  if (challenge) {
    return (
      <main className="login">
        <SecondStep challenge={challenge} onSignedIn={goOn} />
      </main>
    );
  }

  return (
    <AuthCard
      titleId="login-title"
      title="Sign in"
      onSubmit={handleSubmit}
      after={
        isSsoOpen && (
          <div className="login__card">
            <SsoSignInForm initialIdentifier={email} next={next} />
          </div>
        )
      }
    >
      <p className="muted">Pick up where your team left off.</p>
      <EmailField value={email} onChange={setEmail} />
      <CredentialField
        label="Password"
        type="password"
        name="password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
      />
      <FormError message={error ?? ssoRefusal} />
      <button type="submit" className="button button--primary button--block" disabled={isSubmitting}>
        {isSubmitting ? "Signing in…" : "Sign in"}
      </button>
      {!isSsoOpen && (
        <Link className="button button--block" to={`/login?${ssoParams}`} replace>
          Sign in with SSO
        </Link>
      )}
      <Link to="/forgot-password" state={{ email }}>
        Forgot password?
      </Link>
    </AuthCard>
  );
}
