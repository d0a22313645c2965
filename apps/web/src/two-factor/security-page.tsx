// /settings/security: the signed-in user's own two-factor sign-in: set it up, see how many
// recovery codes are left, turn it off with the password or a code.
import { type FormEvent, useEffect, useState } from "react";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { errorMessage } from "../lib/api-errors.ts";
import { formatDateTime } from "../lib/relative-time.ts";
import { trpc } from "../lib/trpc.ts";
import { Field } from "../ui/field.tsx";
import { FormError } from "../ui/form-error.tsx";
import { CodeField } from "./code-field.tsx";
import { EnrolmentForm } from "./enrolment-form.tsx";

export function SecurityPage() {
  const utils = trpc.useUtils();
  const status = trpc.twoFactor.status.useQuery();
  useEffect(() => {
    document.title = "Security · Handoff";
  }, []);

  if (status.isPending) return <PageLoading label="Loading your sign-in settings…" />;
  if (status.error) return <PageError title="Can't load your settings" error={status.error} backTo="/" />;
  const refresh = () => void utils.twoFactor.status.invalidate();
  const { data } = status;

  return (
    <section aria-labelledby="security-title">
      <header className="page-header">
        <h1 id="security-title">Two-factor sign-in</h1>
      </header>
      {!data.isAvailable ? (
        <p className="muted">
          This server has no SECRETS_KEY, so two-factor sign-in can't be set up here. Ask whoever runs
          Handoff.
        </p>
      ) : data.isEnabled ? (
        <div className="two-factor__start">
          <p data-testid="two-factor-state">
            <strong>On</strong> since {data.enabledAt ? formatDateTime(data.enabledAt) : "—"}. Sign-in asks
            for a code from your app. {data.recoveryCodesLeft} of 10 recovery codes left.
          </p>
          {data.isRequiredByAccount ? (
            <p className="muted">Your account requires two-factor sign-in, so it stays on.</p>
          ) : (
            <DisableForm onDisabled={refresh} />
          )}
        </div>
      ) : (
        <>
          <p data-testid="two-factor-state">
            <strong>Off</strong>: signing in takes your password alone.
          </p>
          <EnrolmentForm
            begin={() => utils.client.twoFactor.begin.mutate()}
            confirm={async (code) => (await utils.client.twoFactor.confirm.mutate({ code })).recoveryCodes}
            onDone={refresh}
          />
        </>
      )}
    </section>
  );
}

function DisableForm({ onDisabled }: { onDisabled(): void }) {
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const disable = trpc.twoFactor.disable.useMutation({ onSuccess: onDisabled });

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    disable.mutate(password ? { password } : { code });
  };

  return (
    <form className="two-factor__enrol" onSubmit={handleSubmit}>
      <h2>Turn it off</h2>
      <p className="muted">Confirm with your password, or with a code from your app.</p>
      <Field label="Password">
        <input
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </Field>
      {!password && <CodeField label="…or a code" value={code} onChange={setCode} />}
      <FormError message={disable.error && errorMessage(disable.error)} />
      <button type="submit" className="button" disabled={disable.isPending || (!password && !code)}>
        Turn off two-factor sign-in
      </button>
    </form>
  );
}
