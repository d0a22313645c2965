// The PSA tab of /admin: which PSA this account's handoffs write ticket notes to, its credentials
// (the secret is write-only: the server never sends it back), "Test connection", and removal.
import type { TPsaConnectionView, TPsaProvider, TPsaUpdateInput } from "@handoff/api/helpers";
import { type FormEvent, useEffect, useState } from "react";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { errorMessage, fieldProblems } from "../lib/api-errors.ts";
import { formatDateTime } from "../lib/relative-time.ts";
import { trpc } from "../lib/trpc.ts";

type TForm = {
  provider: TPsaProvider;
  siteUrl: string;
  companyId: string;
  publicKey: string;
  privateKey: string;
  baseUrl: string;
  authUrl: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
};
type TField = keyof TForm;

const EMPTY: TForm = {
  provider: "connectwise",
  siteUrl: "",
  companyId: "",
  publicKey: "",
  privateKey: "",
  baseUrl: "",
  authUrl: "",
  tenant: "",
  clientId: "",
  clientSecret: "",
};
const PROVIDER_NAMES: Record<TPsaProvider, string> = { connectwise: "ConnectWise PSA", halopsa: "HaloPSA" };

function formOf(view: TPsaConnectionView): TForm {
  const connection = view.connection;
  if (!connection) return EMPTY;
  if (connection.provider === "connectwise") return { ...EMPTY, ...connection };
  return { ...EMPTY, ...connection, authUrl: connection.authUrl ?? "", tenant: connection.tenant ?? "" };
}

function inputOf(form: TForm): TPsaUpdateInput {
  if (form.provider === "connectwise") {
    const { siteUrl, companyId, publicKey, privateKey, clientId } = form;
    return { provider: "connectwise", siteUrl, companyId, publicKey, privateKey, clientId };
  }
  const { baseUrl, authUrl, tenant, clientId, clientSecret } = form;
  return { provider: "halopsa", baseUrl, authUrl, tenant, clientId, clientSecret };
}

export function PsaTab() {
  const psa = trpc.psa.get.useQuery();
  useEffect(() => {
    document.title = "PSA connection · Admin · Handoff";
  }, []);
  if (psa.isPending) return <PageLoading label="Loading the PSA connection…" />;
  if (psa.error) return <PageError title="Can't open the PSA settings" error={psa.error} backTo="/" />;
  return <PsaSettings view={psa.data} />;
}

function PsaSettings({ view }: { view: TPsaConnectionView }) {
  const utils = trpc.useUtils();
  const [form, setForm] = useState<TForm>(() => formOf(view));
  const save = trpc.psa.update.useMutation({
    onSuccess: (saved) => {
      utils.psa.get.setData(undefined, saved);
      setForm(formOf(saved));
    },
  });
  const test = trpc.psa.test.useMutation({ onSuccess: () => utils.psa.get.invalidate() });
  const remove = trpc.psa.remove.useMutation({
    onSuccess: () => {
      setForm(EMPTY);
      return utils.psa.get.invalidate();
    },
  });
  const connection = view.connection;
  const isStoredProvider = connection?.provider === form.provider;
  const problems = fieldProblems<TField>(save.error);
  const isBusy = save.isPending || test.isPending || remove.isPending;
  const set = (field: TField) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [field]: event.target.value }));

  const handleSave = async (event: FormEvent) => {
    event.preventDefault();
    test.reset();
    save.mutate(inputOf(form));
  };

  const field = (
    name: TField,
    label: string,
    props: { type?: string; placeholder?: string; hint?: string } = {},
  ) => (
    <label className="field">
      <span>{label}</span>
      <input
        name={name}
        type={props.type ?? "text"}
        autoComplete="off"
        spellCheck={false}
        placeholder={props.placeholder}
        value={form[name]}
        onChange={set(name)}
        aria-invalid={problems[name] ? true : undefined}
      />
      {props.hint && <span className="muted field__hint">{props.hint}</span>}
      {problems[name] && <span className="field__problem">{problems[name]}</span>}
    </label>
  );
  const secretPlaceholder = isStoredProvider ? "Stored. Leave blank to keep it" : "";

  return (
    <div className="settings" data-testid="psa-settings">
      <h2>PSA connection</h2>
      <p className="muted">
        When a session has a ticket, Handoff adds an internal note to it on escalate (the engineer's notes,
        the assessment and what was tried), on claim (who took it) and on resolve (the resolution). Notes are
        hidden from the end user.
      </p>

      {!view.isSecretsKeySet && (
        <p className="form-error" role="alert">
          This server has no SECRETS_KEY, so it cannot keep PSA credentials. Whoever runs Handoff must set it
          first (see the README).
        </p>
      )}

      <section className="panel" aria-labelledby="psa-status-title">
        <h2 id="psa-status-title">Status</h2>
        {connection ? (
          <p data-testid="psa-status">
            Connected to <strong>{PROVIDER_NAMES[connection.provider]}</strong>
            {" · "}saved {formatDateTime(connection.updatedAt)}
          </p>
        ) : (
          <p className="muted" data-testid="psa-status">
            Not connected: no notes are sent.
          </p>
        )}
        {connection?.lastTest && (
          <p
            className={connection.lastTest.isOk ? "psa-test psa-test--ok" : "psa-test psa-test--failed"}
            data-testid="psa-last-test"
            role="status"
          >
            {connection.lastTest.isOk ? "✓ " : "✗ "}
            {connection.lastTest.message}{" "}
            <span className="muted">({formatDateTime(connection.lastTest.at)})</span>
          </p>
        )}
        {test.error && (
          <p className="form-error" role="alert">
            {errorMessage(test.error)}
          </p>
        )}
        {connection && (
          <div className="settings__actions">
            <button type="button" className="button" disabled={isBusy} onClick={() => test.mutate()}>
              {test.isPending ? "Testing…" : "Test connection"}
            </button>
            <button
              type="button"
              className="button button--ghost"
              disabled={isBusy}
              onClick={() => {
                if (window.confirm("Remove the PSA connection? Notes waiting to be sent will fail."))
                  remove.mutate();
              }}
            >
              Remove connection
            </button>
          </div>
        )}
      </section>

      <form
        className="panel"
        onSubmit={handleSave}
        aria-labelledby="psa-form-title"
        aria-busy={save.isPending}
      >
        <h2 id="psa-form-title">{connection ? "Change the connection" : "Connect a PSA"}</h2>
        <fieldset className="settings__fields" disabled={isBusy || !view.isSecretsKeySet}>
          <label className="field">
            <span>PSA</span>
            <select name="provider" value={form.provider} onChange={set("provider")}>
              <option value="connectwise">{PROVIDER_NAMES.connectwise}</option>
              <option value="halopsa">{PROVIDER_NAMES.halopsa}</option>
            </select>
          </label>
          {form.provider === "connectwise" ? (
            <>
              {field("siteUrl", "Site address", {
                placeholder: "https://api-na.myconnectwise.net",
                hint: "The …/v4_6_release/apis/3.0 part is added for you.",
              })}
              <div className="field-row">
                {field("companyId", "Company id")}
                {field("clientId", "Client id", { hint: "From developer.connectwise.com" })}
              </div>
              <div className="field-row">
                {field("publicKey", "Public key")}
                {field("privateKey", "Private key", { type: "password", placeholder: secretPlaceholder })}
              </div>
            </>
          ) : (
            <>
              {field("baseUrl", "Halo address", { placeholder: "https://acme.halopsa.com" })}
              <div className="field-row">
                {field("authUrl", "Authorisation server", { placeholder: "Default: <Halo address>/auth" })}
                {field("tenant", "Tenant", { hint: "Hosted Halo only" })}
              </div>
              <div className="field-row">
                {field("clientId", "Client id")}
                {field("clientSecret", "Client secret", { type: "password", placeholder: secretPlaceholder })}
              </div>
            </>
          )}
          {save.error && Object.keys(problems).length === 0 && (
            <p className="form-error" role="alert">
              {errorMessage(save.error)}
            </p>
          )}
          {save.isSuccess && !save.isPending && (
            <p className="muted" role="status">
              Saved. Use Test connection to check it.
            </p>
          )}
          <div className="settings__actions">
            <button type="submit" className="button button--primary">
              {save.isPending ? "Saving…" : "Save"}
            </button>
          </div>
        </fieldset>
      </form>
    </div>
  );
}
