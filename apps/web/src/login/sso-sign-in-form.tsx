// "Sign in with SSO": a plain form the browser posts to the server, which redirects to the
// account's identity provider. The server finds the provider from the email (or the account's
// sign-in name) and brings the browser back signed in, to `next`.
import { SSO_START_FIELD } from "@handoff/api/client-contract";
import { useState } from "react";
import { Field } from "../ui/field.tsx";
import "./login.css";

export function SsoSignInForm({
  initialIdentifier,
  next,
}: {
  initialIdentifier: string;
  next: string | null;
}) {
  const [identifier, setIdentifier] = useState(initialIdentifier);
  return (
    <form className="login__sso" method="post" action="/auth/sso/start" aria-label="Sign in with SSO">
      <Field label="Email or sign-in name">
        <input
          type="text"
          name={SSO_START_FIELD}
          autoComplete="username"
          required
          value={identifier}
          onChange={(event) => setIdentifier(event.target.value)}
        />
      </Field>
      {next && <input type="hidden" name="next" value={next} />}
      <button type="submit" className="button button--primary button--block">
        Continue with SSO
      </button>
    </form>
  );
}
