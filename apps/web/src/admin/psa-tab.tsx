// The PSA tab of /admin: which PSA this account's handoffs write ticket notes to, its credentials
// (the secret is write-only: the server never sends it back), "Test connection", and removal.
import type {
  THaloOutcome,
  TPsaConnectionView,
  TPsaProvider,
  TPsaUpdateInput,
} from "@handoff/api/client-contract";
import { useEffect, useState } from "react";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { errorMessage, fieldProblems } from "../lib/api-errors.ts";
import { formatDateTime } from "../lib/relative-time.ts";
import { trpc } from "../lib/trpc.ts";
import { Field } from "../ui/field.tsx";
import { FormError } from "../ui/form-error.tsx";
import { HaloOutcomeField } from "./halo-outcome-field.tsx";
import { SecretsKeyMissing } from "./secrets-key-missing.tsx";
import { settingsFields } from "./settings-field.tsx";
import { SettingsForm } from "./settings-form.tsx";

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

const storedHaloOutcome = (view: TPsaConnectionView): THaloOutcome | null =>
  view.connection?.provider === "halopsa" ? view.connection.noteOutcome : null;

/** The form's input; a note outcome only for the stored Halo connection (its list comes from there). */
function inputOf(form: TForm, noteOutcome: THaloOutcome | null, isStoredProvider: boolean): TPsaUpdateInput {
  if (form.provider === "connectwise") {
    const { siteUrl, companyId, publicKey, privateKey, clientId } = form;
    return { provider: "connectwise", siteUrl, companyId, publicKey, privateKey, clientId };
  }
  const { baseUrl, authUrl, tenant, clientId, clientSecret } = form;
  return {
    provider: "halopsa",
    baseUrl,
    authUrl,
    tenant,
    clientId,
    clientSecret,
    ...(isStoredProvider && { noteOutcome }),
  };
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
  const [noteOutcome, setNoteOutcome] = useState(() => storedHaloOutcome(view));
  const save = trpc.psa.update.useMutation({
    onSuccess: (saved) => {
      utils.psa.get.setData(undefined, saved);
      setForm(formOf(saved));
      setNoteOutcome(storedHaloOutcome(saved));
    },
  });
  const test = trpc.psa.test.useMutation({ onSuccess: () => utils.psa.get.invalidate() });
  const remove = trpc.psa.remove.useMutation({
    onSuccess: () => {
      setForm(EMPTY);
      setNoteOutcome(null);
      return utils.psa.get.invalidate();
    },
  });
  const connection = view.connection;
  const isStoredProvider = connection?.provider === form.provider;
  const problems = fieldProblems<TField>(save.error);
  const isBusy = save.isPending || test.isPending || remove.isPending;
  const set = (field: TField) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [field]: event.target.value }));

  const handleSave = () => {
    test.reset();
    save.mutate(inputOf(form, noteOutcome, isStoredProvider));
  };

  const field = settingsFields<TField>(
    form,
    (name, value) => setForm((current) => ({ ...current, [name]: value })),
    problems,
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

      {!view.isSecretsKeySet && <SecretsKeyMissing what="PSA credentials" />}

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
        <FormError message={test.error && errorMessage(test.error)} />
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

      <SettingsForm
        title={connection ? "Change the connection" : "Connect a PSA"}
        mutation={save}
        isDisabled={isBusy || !view.isSecretsKeySet}
        submitLabel="Save"
        savedNote="Saved. Use Test connection to check it."
        onSubmit={handleSave}
      >
        <Field label="PSA">
          <select name="provider" value={form.provider} onChange={set("provider")}>
            <option value="connectwise">{PROVIDER_NAMES.connectwise}</option>
            <option value="halopsa">{PROVIDER_NAMES.halopsa}</option>
          </select>
        </Field>
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
              {field("authUrl", "Authorisation server", {
                placeholder: "Blank: the one the Halo instance names",
              })}
              {field("tenant", "Tenant", { hint: "Hosted Halo only" })}
            </div>
            <div className="field-row">
              {field("clientId", "Client id")}
              {field("clientSecret", "Client secret", { type: "password", placeholder: secretPlaceholder })}
            </div>
            {isStoredProvider && <HaloOutcomeField value={noteOutcome} onChange={setNoteOutcome} />}
          </>
        )}
      </SettingsForm>
    </div>
  );
}
