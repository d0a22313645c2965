// The Webhooks tab of /admin: the account's outbound webhook endpoints (signed, for its own
// automation) and its Teams and Slack channels. Add, edit, disable, delete; a signing secret is
// shown once, on create and on rotate; send a test event; the delivery log, with Resend.
import {
  HANDOFF_PRIORITIES,
  type THandoffPriority,
  type TWebhookCreateInput,
  type TWebhookEndpointView,
  type TWebhookEventType,
  type TWebhookKind,
  WEBHOOK_EVENT_TYPES,
} from "@handoff/api/client-contract";
import { useEffect, useState } from "react";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { errorMessage, fieldProblems } from "../lib/api-errors.ts";
import { formatDateTime } from "../lib/relative-time.ts";
import { trpc } from "../lib/trpc.ts";
import { Field } from "../ui/field.tsx";
import { FormError } from "../ui/form-error.tsx";
import "../ui/table.css";
import { SecretsKeyMissing } from "./secrets-key-missing.tsx";
import { SettingsForm } from "./settings-form.tsx";

const KIND_NAMES: Record<TWebhookKind, string> = {
  standard: "Webhook (signed JSON)",
  teams: "Microsoft Teams channel",
  slack: "Slack channel",
};
const URL_PLACEHOLDERS: Record<TWebhookKind, string> = {
  standard: "https://automation.example.com/handoff",
  teams: "https://….logic.azure.com/workflows/… (Workflows) or an incoming webhook URL",
  slack: "https://hooks.slack.com/services/…",
};

type TForm = {
  kind: TWebhookKind;
  url: string;
  description: string;
  events: TWebhookEventType[];
  teamId: string;
  minPriority: THandoffPriority;
};
type TField = keyof TForm;

const EMPTY: TForm = {
  kind: "standard",
  url: "",
  description: "",
  events: ["handoff.created"],
  teamId: "",
  minPriority: "high",
};

function formOf(endpoint: TWebhookEndpointView): TForm {
  return {
    kind: endpoint.kind,
    url: "",
    description: endpoint.description,
    events: endpoint.events,
    teamId: endpoint.team?.id ?? "",
    minPriority: endpoint.minPriority,
  };
}

function inputOf(form: TForm): TWebhookCreateInput {
  const { url, description } = form;
  if (form.kind === "standard") return { kind: "standard", url, description, events: form.events };
  return { kind: form.kind, url, description, teamId: form.teamId || null, minPriority: form.minPriority };
}

export function WebhooksTab() {
  const list = trpc.webhook.list.useQuery();
  const [secret, setSecret] = useState<{ description: string; secret: string } | null>(null);
  useEffect(() => {
    document.title = "Webhooks · Admin · Handoff";
  }, []);
  if (list.isPending) return <PageLoading label="Loading webhooks…" />;
  if (list.error) return <PageError title="Can't open the webhooks" error={list.error} backTo="/" />;
  const showSecret = (endpoint: TWebhookEndpointView, value: string | null) =>
    setSecret(value ? { description: endpoint.description, secret: value } : null);
  return (
    <div className="settings" data-testid="webhooks-settings">
      <h2>Webhooks and channels</h2>
      <p className="muted">
        Send the account's escalation events to your own automation (signed per Standard Webhooks), and post
        escalations to a Microsoft Teams or Slack channel. docs/integrations.md has the payload and how to
        verify it.
      </p>
      {!list.data.isSecretsKeySet && <SecretsKeyMissing what="webhook URLs and secrets" />}
      {secret && (
        <section className="panel" aria-labelledby="webhook-secret-title" data-testid="webhook-secret">
          <h2 id="webhook-secret-title">Signing secret for “{secret.description}”</h2>
          <p>Copy it now: it is not shown again.</p>
          <code className="webhook-secret">{secret.secret}</code>
          <div className="settings__actions">
            <button type="button" className="button" onClick={() => setSecret(null)}>
              Done
            </button>
          </div>
        </section>
      )}
      {list.data.endpoints.map((endpoint) => (
        <EndpointPanel key={endpoint.id} endpoint={endpoint} onSecret={showSecret} />
      ))}
      {list.data.endpoints.length === 0 && <p className="muted">No webhooks or channels yet.</p>}
      <NewEndpoint isDisabled={!list.data.isSecretsKeySet} onSecret={showSecret} />
    </div>
  );
}

type TOnSecret = (endpoint: TWebhookEndpointView, secret: string | null) => void;

function NewEndpoint({ isDisabled, onSecret }: { isDisabled: boolean; onSecret: TOnSecret }) {
  const utils = trpc.useUtils();
  const create = trpc.webhook.create.useMutation({
    onSuccess: (created) => {
      onSecret(created.endpoint, created.secret);
      return utils.webhook.list.invalidate();
    },
  });
  return (
    <EndpointForm
      title="Add a webhook or channel"
      initial={EMPTY}
      isKindFixed={false}
      isDisabled={isDisabled}
      mutation={create}
      submitLabel="Add"
      onSubmit={(form, reset) => create.mutate(inputOf(form), { onSuccess: reset })}
    />
  );
}

type TFormMutation = { isPending: boolean; error: unknown };

function EndpointForm(props: {
  title: string;
  initial: TForm;
  isKindFixed: boolean;
  isDisabled: boolean;
  mutation: TFormMutation;
  submitLabel: string;
  urlHint?: string;
  onSubmit(form: TForm, reset: () => void): void;
}) {
  const teams = trpc.team.list.useQuery();
  const [form, setForm] = useState<TForm>(props.initial);
  const problems = fieldProblems<TField>(props.mutation.error);
  const set = (field: TField) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [field]: event.target.value }));
  const toggleEvent = (type: TWebhookEventType) =>
    setForm((current) => ({
      ...current,
      events: current.events.includes(type)
        ? current.events.filter((event) => event !== type)
        : [...current.events, type],
    }));
  return (
    <SettingsForm
      title={props.title}
      mutation={props.mutation}
      isDisabled={props.isDisabled}
      submitLabel={props.submitLabel}
      onSubmit={() => props.onSubmit(form, () => setForm(props.initial))}
    >
      {!props.isKindFixed && (
        <Field label="Kind">
          <select name="kind" value={form.kind} onChange={set("kind")}>
            {(Object.keys(KIND_NAMES) as TWebhookKind[]).map((kind) => (
              <option key={kind} value={kind}>
                {KIND_NAMES[kind]}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field label="URL" problem={problems.url}>
        <input
          name="url"
          autoComplete="off"
          spellCheck={false}
          placeholder={
            props.urlHint ? `${props.urlHint} (leave blank to keep it)` : URL_PLACEHOLDERS[form.kind]
          }
          value={form.url}
          onChange={set("url")}
          aria-invalid={problems.url ? true : undefined}
        />
      </Field>
      <Field label="Description" problem={problems.description}>
        <input
          name="description"
          placeholder="What receives it, e.g. RMM ticket sync"
          value={form.description}
          onChange={set("description")}
          aria-invalid={problems.description ? true : undefined}
        />
      </Field>
      {form.kind === "standard" ? (
        <fieldset className="webhook-events">
          <legend>Events</legend>
          {WEBHOOK_EVENT_TYPES.map((type) => (
            <label key={type} className="checkbox-field">
              <input
                type="checkbox"
                checked={form.events.includes(type)}
                onChange={() => toggleEvent(type)}
              />{" "}
              <code>{type}</code>
            </label>
          ))}
          {problems.events && <span className="field__problem">{problems.events}</span>}
        </fieldset>
      ) : (
        <div className="field-row">
          <Field label="Team">
            <select name="teamId" value={form.teamId} onChange={set("teamId")}>
              <option value="">Every team</option>
              {(teams.data ?? []).map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Escalations at or above">
            <select name="minPriority" value={form.minPriority} onChange={set("minPriority")}>
              {HANDOFF_PRIORITIES.map((priority) => (
                <option key={priority} value={priority}>
                  {priority}
                </option>
              ))}
            </select>
          </Field>
        </div>
      )}
    </SettingsForm>
  );
}

function EndpointPanel({ endpoint, onSecret }: { endpoint: TWebhookEndpointView; onSecret: TOnSecret }) {
  const utils = trpc.useUtils();
  const refresh = () => utils.webhook.invalidate();
  const [isEditing, setEditing] = useState(false);
  const [isLogOpen, setLogOpen] = useState(false);
  const update = trpc.webhook.update.useMutation({ onSuccess: refresh });
  const remove = trpc.webhook.remove.useMutation({ onSuccess: refresh });
  const rotate = trpc.webhook.rotateSecret.useMutation({
    onSuccess: (rotated) => {
      onSecret(rotated.endpoint, rotated.secret);
      return refresh();
    },
  });
  const sendTest = trpc.webhook.sendTest.useMutation({
    onSuccess: () => {
      setLogOpen(true);
      return refresh();
    },
  });
  const error = remove.error ?? rotate.error ?? sendTest.error ?? (isEditing ? null : update.error);
  const isBusy = update.isPending || remove.isPending || rotate.isPending || sendTest.isPending;
  const what =
    endpoint.kind === "standard"
      ? endpoint.events.join(", ")
      : `${endpoint.team?.name ?? "Every team"}'s escalations, ${endpoint.minPriority} and above`;

  return (
    <section className="panel" aria-label={endpoint.description} data-testid="webhook-endpoint">
      <h2>
        {endpoint.description} {!endpoint.enabled && <span className="muted">(disabled)</span>}
      </h2>
      <p>
        {KIND_NAMES[endpoint.kind]} · <code>{endpoint.urlHint}</code>
      </p>
      <p className="muted">{what}</p>
      {endpoint.previousSecretUntil && (
        <p className="muted">
          The previous secret also signs until {formatDateTime(endpoint.previousSecretUntil)}.
        </p>
      )}
      <FormError message={error && errorMessage(error)} />
      <div className="settings__actions">
        <button
          type="button"
          className="button"
          disabled={isBusy || !endpoint.enabled}
          onClick={() => sendTest.mutate({ endpointId: endpoint.id })}
        >
          {sendTest.isPending ? "Sending…" : "Send test event"}
        </button>
        <button type="button" className="button" onClick={() => setLogOpen(!isLogOpen)}>
          {isLogOpen ? "Hide deliveries" : "Deliveries"}
        </button>
        <button type="button" className="button" onClick={() => setEditing(!isEditing)}>
          {isEditing ? "Cancel edit" : "Edit"}
        </button>
        <button
          type="button"
          className="button"
          disabled={isBusy}
          onClick={() => update.mutate({ endpointId: endpoint.id, enabled: !endpoint.enabled })}
        >
          {endpoint.enabled ? "Disable" : "Enable"}
        </button>
        {endpoint.kind === "standard" && (
          <button
            type="button"
            className="button"
            disabled={isBusy}
            onClick={() => {
              if (window.confirm("Rotate the signing secret? The old one keeps signing for 24 hours."))
                rotate.mutate({ endpointId: endpoint.id });
            }}
          >
            Rotate secret
          </button>
        )}
        <button
          type="button"
          className="button button--ghost"
          disabled={isBusy}
          onClick={() => {
            if (window.confirm(`Delete “${endpoint.description}” and its delivery log?`))
              remove.mutate({ endpointId: endpoint.id });
          }}
        >
          Delete
        </button>
      </div>
      {isEditing && (
        <EndpointForm
          title={`Edit “${endpoint.description}”`}
          initial={formOf(endpoint)}
          isKindFixed
          isDisabled={false}
          mutation={update}
          submitLabel="Save"
          urlHint={endpoint.urlHint}
          onSubmit={(form) =>
            update.mutate(
              { endpointId: endpoint.id, ...inputOf(form) },
              { onSuccess: () => setEditing(false) },
            )
          }
        />
      )}
      {isLogOpen && <DeliveryLog endpointId={endpoint.id} />}
    </section>
  );
}

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const utils = trpc.useUtils();
  // Deliveries finish in the background: look again every few seconds while the log is open.
  const log = trpc.webhook.deliveries.useQuery({ endpointId, limit: 50 }, { refetchInterval: 2_000 });
  const resend = trpc.webhook.resend.useMutation({ onSuccess: () => utils.webhook.deliveries.invalidate() });
  if (log.isPending) return <p className="muted">Loading deliveries…</p>;
  if (log.error) return <p className="form-error">{errorMessage(log.error)}</p>;
  return (
    <div className="table-wrap">
      <FormError message={resend.error && errorMessage(resend.error)} />
      <table className="table" data-testid="webhook-deliveries">
        <thead>
          <tr>
            <th>When</th>
            <th>Event</th>
            <th>Status</th>
            <th>Tries</th>
            <th>Response</th>
            <th>Time</th>
            <th>Last error</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {log.data.map((delivery) => (
            <tr key={delivery.id}>
              <td>{formatDateTime(delivery.createdAt)}</td>
              <td>
                <code>{delivery.type}</code>
                <div className="muted">{delivery.messageId}</div>
              </td>
              <td>{delivery.status}</td>
              <td>{delivery.attempts}</td>
              <td>{delivery.responseStatus ?? ""}</td>
              <td>{delivery.durationMs === null ? "" : `${delivery.durationMs} ms`}</td>
              <td className="muted">{delivery.lastError ?? ""}</td>
              <td>
                {delivery.status !== "pending" && (
                  <button
                    type="button"
                    className="button"
                    disabled={resend.isPending}
                    onClick={() => resend.mutate({ deliveryId: delivery.id })}
                  >
                    Resend
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {log.data.length === 0 && <p className="muted">Nothing sent yet.</p>}
    </div>
  );
}
