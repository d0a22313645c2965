// The single sign-on tab of /admin: the account's OpenID Connect provider (Entra ID, Google
// Workspace, any issuer), the redirect URI to register there, and the owner's switches. The client
// secret is write-only: the server never sends it back.
import type { TSsoConnectionView, TSsoUpdateInput } from "@handoff/api/client-contract";
import { useEffect, useState } from "react";
import { useAuth } from "../auth/auth-context.tsx";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { errorMessage, fieldProblems } from "../lib/api-errors.ts";
import { formatDateTime } from "../lib/relative-time.ts";
import { trpc } from "../lib/trpc.ts";
import { FormError } from "../ui/form-error.tsx";
import { SecretsKeyMissing } from "./secrets-key-missing.tsx";
import { settingsFields } from "./settings-field.tsx";
import { SettingsForm } from "./settings-form.tsx";

type TForm = {
  slug: string;
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  allowedDomains: string;
  isAutoCreateEnabled: boolean;
  isSsoOnly: boolean;
};
type TTextField = "slug" | "issuerUrl" | "clientId" | "clientSecret" | "allowedDomains";

function formOf(view: TSsoConnectionView): TForm {
  const connection = view.connection;
  return {
    slug: connection?.slug ?? "",
    issuerUrl: connection?.issuerUrl ?? "",
    clientId: connection?.clientId ?? "",
    clientSecret: "",
    allowedDomains: connection?.allowedDomains.join(", ") ?? "",
    isAutoCreateEnabled: connection?.isAutoCreateEnabled ?? false,
    isSsoOnly: connection?.isSsoOnly ?? false,
  };
}

function inputOf(form: TForm): TSsoUpdateInput {
  const allowedDomains = form.allowedDomains
    .split(/[\s,]+/)
    .map((domain) => domain.trim())
    .filter((domain) => domain !== "");
  return { ...form, allowedDomains };
}

export function SsoTab() {
  const sso = trpc.sso.get.useQuery();
  useEffect(() => {
    document.title = "Single sign-on · Admin · Handoff";
  }, []);
  if (sso.isPending) return <PageLoading label="Loading single sign-on…" />;
  if (sso.error)
    return <PageError title="Can't open the single sign-on settings" error={sso.error} backTo="/" />;
  return <SsoSettings view={sso.data} />;
}

function SsoSettings({ view }: { view: TSsoConnectionView }) {
  const { viewer } = useAuth();
  const isOwner = viewer?.role === "owner";
  const utils = trpc.useUtils();
  const [form, setForm] = useState<TForm>(() => formOf(view));
  const save = trpc.sso.update.useMutation({
    onSuccess: (saved) => {
      utils.sso.get.setData(undefined, saved);
      setForm(formOf(saved));
    },
  });
  const remove = trpc.sso.remove.useMutation({ onSuccess: () => utils.sso.get.invalidate() });
  const connection = view.connection;
  const problems = fieldProblems<TTextField>(save.error);
  const isBusy = save.isPending || remove.isPending;

  const field = settingsFields<TTextField>(
    form,
    (name, value) => setForm((current) => ({ ...current, [name]: value })),
    problems,
  );
  const toggle = (name: "isAutoCreateEnabled" | "isSsoOnly", label: string, hint: string) => (
    <div>
      <label className="checkbox-field">
        <input
          type="checkbox"
          name={name}
          checked={form[name]}
          disabled={!isOwner}
          onChange={(event) => setForm((current) => ({ ...current, [name]: event.target.checked }))}
        />
        {label}
      </label>
      <p className="muted field__hint">{isOwner ? hint : `${hint} Only the owner can change this.`}</p>
    </div>
  );

  return (
    <div className="settings" data-testid="sso-settings">
      <h2>Single sign-on</h2>
      <p className="muted">
        Members sign in with your identity provider (Microsoft Entra ID, Google Workspace or any OpenID
        Connect issuer): they choose "Sign in with SSO" and type their email or the sign-in name below.
        Handoff matches them by their verified email within this account.
      </p>
      {!view.isSecretsKeySet && <SecretsKeyMissing what="a client secret" />}

      <section className="panel" aria-labelledby="sso-status-title">
        <h2 id="sso-status-title">Status</h2>
        <p>
          Redirect URI to register at the provider:{" "}
          <code data-testid="sso-redirect-uri">{view.redirectUri}</code>
        </p>
        {connection ? (
          <p data-testid="sso-status">
            On, with <strong>{connection.issuerUrl}</strong>
            {connection.isSsoOnly ? " · SSO only" : " · passwords still work"}
            {" · "}saved {formatDateTime(connection.updatedAt)}
          </p>
        ) : (
          <p className="muted" data-testid="sso-status">
            Off: members sign in with their password.
          </p>
        )}
        {connection && !connection.isOwnerTrusted && (
          <p className="muted">
            The owner signs in with a password until they save these settings themselves (an admin changed the
            provider).
          </p>
        )}
        {connection && isOwner && (
          <div className="settings__actions">
            <button
              type="button"
              className="button button--ghost"
              disabled={isBusy}
              onClick={() => {
                if (window.confirm("Turn single sign-on off? Members sign in with their password again."))
                  remove.mutate();
              }}
            >
              Turn off single sign-on
            </button>
          </div>
        )}
        <FormError message={remove.error && errorMessage(remove.error)} />
      </section>

      <SettingsForm
        title={connection ? "Change single sign-on" : "Set up single sign-on"}
        mutation={save}
        isDisabled={isBusy || !view.isSecretsKeySet}
        submitLabel="Save"
        savedNote="Saved."
        onSubmit={() => save.mutate(inputOf(form))}
      >
        {field("slug", "Sign-in name", {
          placeholder: "contoso",
          hint: "What members may type instead of their email.",
        })}
        {field("issuerUrl", "Issuer URL", {
          placeholder: "https://login.microsoftonline.com/<tenant id>/v2.0",
          hint: "Google Workspace: https://accounts.google.com",
        })}
        <div className="field-row">
          {field("clientId", "Client id")}
          {field("clientSecret", "Client secret", {
            type: "password",
            placeholder: connection ? "Stored. Leave blank to keep it" : "",
          })}
        </div>
        {field("allowedDomains", "Email domains", {
          placeholder: "contoso.com, contoso.co.uk",
          hint: "People of these domains may get a login at their first sign-in, if the owner allows it.",
        })}
        {toggle(
          "isAutoCreateEnabled",
          "Create a login (engineer) at the first sign-in",
          "For verified emails of the domains above only.",
        )}
        {toggle("isSsoOnly", "SSO only", "Passwords stop working for everyone but the owner.")}
      </SettingsForm>
    </div>
  );
}
