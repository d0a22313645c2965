// The second step of a sign-in, after a right password: a code from the authenticator app (or a
// recovery code), or, when the account requires two-factor and the user has none, setting it up.
// The challenge lives only in this page's memory: a reload starts the sign-in again.
import type { TSignInChallenge, TViewer } from "@handoff/api/client-contract";
import { useState } from "react";
import { useAuth } from "../auth/auth-context.tsx";
import { errorMessage } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";
import { useFormSubmit } from "../lib/use-form-submit.ts";
import { CodeField } from "../two-factor/code-field.tsx";
import { EnrolmentForm } from "../two-factor/enrolment-form.tsx";
import { FormError } from "../ui/form-error.tsx";
import "./login.css";

type TSecondStepProps = { challenge: TSignInChallenge; onSignedIn(viewer: TViewer): void };

export function SecondStep({ challenge, onSignedIn }: TSecondStepProps) {
  return challenge.purpose === "enrolment" ? (
    <RequiredEnrolment challenge={challenge} onSignedIn={onSignedIn} />
  ) : (
    <CodeStep challenge={challenge} onSignedIn={onSignedIn} />
  );
}

function CodeStep({ challenge, onSignedIn }: TSecondStepProps) {
  const { client } = trpc.useUtils();
  const { completeSignIn } = useAuth();
  const [code, setCode] = useState("");
  const { isSubmitting, error, handleSubmit } = useFormSubmit(async () => {
    const { viewer } = await client.twoFactor.signIn.mutate({
      challengeToken: challenge.challengeToken,
      code,
    });
    completeSignIn(viewer);
    onSignedIn(viewer);
  }, errorMessage);

  return (
    <form className="login__card" onSubmit={handleSubmit} aria-labelledby="second-step-title">
      <h1 id="second-step-title">Two-factor sign-in</h1>
      <p className="muted">Type the code your authenticator app shows, or one of your recovery codes.</p>
      <CodeField label="Code" value={code} onChange={setCode} allowsRecoveryCode />
      <FormError message={error} />
      <button type="submit" className="button button--primary button--block" disabled={isSubmitting}>
        {isSubmitting ? "Checking…" : "Sign in"}
      </button>
    </form>
  );
}

function RequiredEnrolment({ challenge, onSignedIn }: TSecondStepProps) {
  const { client } = trpc.useUtils();
  const { completeSignIn } = useAuth();
  const [viewer, setViewer] = useState<TViewer | null>(null);
  const { challengeToken } = challenge;

  return (
    <section className="login__card" aria-labelledby="enrol-title">
      <h1 id="enrol-title">Set up two-factor sign-in</h1>
      <p className="muted">
        Your account requires a code from your phone at every sign-in. Set it up to continue.
      </p>
      <EnrolmentForm
        begin={() => client.twoFactor.beginRequired.mutate({ challengeToken })}
        confirm={async (code) => {
          const done = await client.twoFactor.confirmRequired.mutate({ challengeToken, code });
          setViewer(done.viewer);
          return done.recoveryCodes;
        }}
        onDone={() => {
          if (!viewer) return;
          completeSignIn(viewer);
          onSignedIn(viewer);
        }}
      />
    </section>
  );
}
