// Making a personal API token: a name, a lifetime and scopes. The secret comes back once, in the
// answer, and is shown here with a copy button; the server keeps only its hash.
import {
  API_TOKEN_LIFETIME_DAYS,
  API_TOKEN_NAME_MAX,
  API_TOKEN_SCOPES,
  DEFAULT_API_TOKEN_LIFETIME_DAYS,
  type TApiTokenScope,
} from "@handoff/api/client-contract";
import { type FormEvent, useState } from "react";
import { errorMessage, fieldProblems } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";
import { Field } from "../ui/field.tsx";
import { FormError } from "../ui/form-error.tsx";

const SCOPE_HELP: Record<TApiTokenScope, string> = {
  read: "see the queue, handoffs and sessions, and follow the live queue",
  escalate: "escalate and park sessions",
  claim: "claim and release handoffs",
  admin: "admin settings (only if your role is admin or owner)",
};

type TLifetime = (typeof API_TOKEN_LIFETIME_DAYS)[number];

export function ApiTokenForm() {
  const utils = trpc.useUtils();
  const [name, setName] = useState("");
  const [lifetimeDays, setLifetimeDays] = useState<TLifetime>(DEFAULT_API_TOKEN_LIFETIME_DAYS);
  const [scopes, setScopes] = useState<TApiTokenScope[]>(["read"]);
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const create = trpc.apiToken.create.useMutation({
    onSuccess: () => {
      setName("");
      setCopied(null);
      void utils.apiToken.list.invalidate();
    },
  });

  const toggleScope = (scope: TApiTokenScope, isOn: boolean) =>
    setScopes((current) =>
      API_TOKEN_SCOPES.filter((known) => (known === scope ? isOn : current.includes(known))),
    );

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, lifetimeDays, scopes });
  };

  const copy = async (secret: string) => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  };

  const problems = fieldProblems<"name" | "lifetimeDays" | "scopes">(create.error);
  return (
    <form className="panel" onSubmit={handleSubmit} aria-labelledby="new-token-title">
      <h2 id="new-token-title">New API token</h2>
      <p className="muted">
        For the <code>handoff</code> terminal client and your scripts. A token can do only what its scopes
        allow, and never more than your role.
      </p>
      <Field label="Name" problem={problems.name}>
        <input
          name="token-name"
          required
          maxLength={API_TOKEN_NAME_MAX}
          placeholder="e.g. laptop terminal, RMM script"
          value={name}
          disabled={create.isPending}
          onChange={(event) => setName(event.target.value)}
        />
      </Field>
      <Field label="Expires after">
        <select
          name="token-lifetime"
          value={lifetimeDays}
          disabled={create.isPending}
          onChange={(event) => setLifetimeDays(Number(event.target.value) as TLifetime)}
        >
          {API_TOKEN_LIFETIME_DAYS.map((days) => (
            <option key={days} value={days}>
              {days} days
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="token-scopes">
        <legend>Scopes</legend>
        {API_TOKEN_SCOPES.map((scope) => (
          <label key={scope} className="checkbox-field">
            <input
              type="checkbox"
              name={`scope-${scope}`}
              checked={scopes.includes(scope)}
              disabled={create.isPending}
              onChange={(event) => toggleScope(scope, event.target.checked)}
            />
            <span>
              <strong>{scope}</strong>: {SCOPE_HELP[scope]}
            </span>
          </label>
        ))}
        {problems.scopes && <span className="field__problem">{problems.scopes}</span>}
      </fieldset>
      <FormError message={create.error && !problems.name && !problems.scopes && errorMessage(create.error)} />
      {create.data && !create.isPending && (
        <div className="banner banner--success token-secret" role="status">
          <p>
            Token <strong>{create.data.token.name}</strong> made. Copy it now: it is shown this once.
          </p>
          <div className="token-secret__value">
            <code data-testid="token-secret">{create.data.secret}</code>
            <button type="button" className="button button--small" onClick={() => copy(create.data.secret)}>
              {copied === "yes" ? "Copied" : "Copy"}
            </button>
          </div>
          {copied === "failed" && (
            <p className="muted">The browser refused the clipboard: select the token and copy it.</p>
          )}
        </div>
      )}
      <div>
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {create.isPending ? "Making…" : "Make token"}
        </button>
      </div>
    </form>
  );
}
