// /setup: the first run of an instance with no account. Whoever has the setup code from the server's
// log creates the account and its owner, and is signed in as the owner. Once an account exists the
// page is gone: it sends people to sign in.
import type { RouterInputs } from "@handoff/api";
import { LIMITS } from "@handoff/api/client-contract";
import { type FormEvent, useEffect, useState } from "react";
import { Redirect, useLocation } from "wouter";
import { homePathFor, useAuth } from "../auth/auth-context.tsx";
import { FullPageMessage } from "../layout/full-page-message.tsx";
import { errorMessage, fieldProblems } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";
import { AuthCard } from "../login/auth-card.tsx";
import { FormError } from "../ui/form-error.tsx";

type TSetupForm = Omit<RouterInputs["setup"]["complete"], "mode">;
type TField = keyof TSetupForm;

const FIELDS: { field: TField; label: string; type: string; autoComplete: string; hint?: string }[] = [
  {
    field: "code",
    label: "Setup code",
    type: "text",
    autoComplete: "off",
    hint: "Printed in the server's log when it started, on the line “Setup code: …”.",
  },
  { field: "accountName", label: "Company name", type: "text", autoComplete: "organization" },
  { field: "name", label: "Your name", type: "text", autoComplete: "name" },
  { field: "email", label: "Email", type: "email", autoComplete: "username" },
  {
    field: "password",
    label: `Password (${LIMITS.newPasswordMin} characters or more)`,
    type: "password",
    autoComplete: "new-password",
  },
];

const EMPTY: TSetupForm = { code: "", accountName: "", name: "", email: "", password: "" };

export function SetupPage() {
  const { completeSetup } = useAuth();
  const [, navigate] = useLocation();
  const status = trpc.setup.status.useQuery(undefined, { retry: false });
  const [form, setForm] = useState(EMPTY);
  const [problems, setProblems] = useState<Partial<Record<TField, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [isSubmitting, setIsSubmitting] = useState(false);

  useEffect(() => {
    document.title = "Set up · Handoff";
  }, []);

  if (status.isPending) return <FullPageMessage title="Loading…" isBusy />;
  if (status.error)
    return <FullPageMessage title="Can't reach Handoff" detail={errorMessage(status.error)} canRetry />;
  if (!status.data.isSetupNeeded && !isSubmitting) return <Redirect to="/login" replace />;

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setIsSubmitting(true);
    setProblems({});
    setError(null);
    try {
      const viewer = await completeSetup(form);
      navigate(homePathFor(viewer), { replace: true });
    } catch (caught) {
      const byField = fieldProblems<TField>(caught);
      setProblems(byField);
      setError(Object.keys(byField).length > 0 ? null : errorMessage(caught));
      setIsSubmitting(false);
    }
  };

  return (
    <AuthCard titleId="setup-title" title="Set up Handoff" onSubmit={handleSubmit}>
      <p className="muted">
        Create your company's account. You will be its owner and can invite your team next.
      </p>
      {FIELDS.map(({ field, label, type, autoComplete, hint }) => (
        <label className="field" key={field}>
          <span>{label}</span>
          <input
            type={type}
            name={field}
            autoComplete={autoComplete}
            required
            aria-invalid={problems[field] ? true : undefined}
            value={form[field]}
            onChange={(event) => setForm({ ...form, [field]: event.target.value })}
          />
          {hint && <small className="muted">{hint}</small>}
          {problems[field] && (
            <small className="form-error" role="alert">
              {problems[field]}
            </small>
          )}
        </label>
      ))}
      <FormError message={error} />
      <button type="submit" className="button button--primary button--block" disabled={isSubmitting}>
        {isSubmitting ? "Setting up…" : "Create account and sign in"}
      </button>
    </AuthCard>
  );
}
