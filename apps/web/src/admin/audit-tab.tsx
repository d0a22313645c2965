// The audit log: who did what to whom, when and from where, newest first; filtered by action,
// actor and dates, paged, and exported as CSV with the same filter.
import {
  AUDIT_ACTION_LABELS,
  AUDIT_ACTIONS,
  type TAuditAction,
  type TAuditEntry,
} from "@handoff/api/client-contract";
import { useState } from "react";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { errorMessage } from "../lib/api-errors.ts";
import { formatDateTime } from "../lib/relative-time.ts";
import { trpc } from "../lib/trpc.ts";
import { DataTable } from "../ui/data-table.tsx";
import { FormError } from "../ui/form-error.tsx";
import "./audit-tab.css";

type TFilterForm = { action: TAuditAction | ""; actorId: string; from: string; to: string };

const DAY_MS = 24 * 60 * 60 * 1000;

/** The form's days (local time) as the API's range: from the first day's start to the last day's end. */
function filterOf(form: TFilterForm) {
  return {
    ...(form.action && { action: form.action }),
    ...(form.actorId && { actorId: form.actorId }),
    ...(form.from && { from: new Date(`${form.from}T00:00`) }),
    ...(form.to && { to: new Date(new Date(`${form.to}T00:00`).getTime() + DAY_MS) }),
  };
}

function saveFile(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(url);
}

export function AuditTab() {
  const utils = trpc.useUtils();
  const [form, setForm] = useState<TFilterForm>({ action: "", actorId: "", from: "", to: "" });
  const [exportError, setExportError] = useState<string | null>(null);
  const filter = filterOf(form);
  const users = trpc.user.list.useQuery();
  const log = trpc.audit.list.useInfiniteQuery(
    { filter, limit: 50 },
    { getNextPageParam: (page) => page.nextCursor ?? undefined },
  );
  const change = (patch: Partial<TFilterForm>) => setForm((current) => ({ ...current, ...patch }));

  const exportCsv = async () => {
    setExportError(null);
    try {
      const file = await utils.client.audit.exportCsv.query({ filter });
      saveFile(file.filename, file.csv);
    } catch (caught) {
      setExportError(errorMessage(caught));
    }
  };

  return (
    <div className="admin-panel">
      <div className="toolbar">
        <label className="select-field">
          <span className="select-field__label">Action</span>
          <select
            value={form.action}
            onChange={(event) => change({ action: event.target.value as TAuditAction | "" })}
          >
            <option value="">All</option>
            {AUDIT_ACTIONS.map((action) => (
              <option key={action} value={action}>
                {AUDIT_ACTION_LABELS[action]}
              </option>
            ))}
          </select>
        </label>
        <label className="select-field">
          <span className="select-field__label">Who</span>
          <select value={form.actorId} onChange={(event) => change({ actorId: event.target.value })}>
            <option value="">Anyone</option>
            {users.data?.map((user) => (
              <option key={user.id} value={user.id}>
                {user.name}
              </option>
            ))}
          </select>
        </label>
        <label className="select-field">
          <span className="select-field__label">From</span>
          <input type="date" value={form.from} onChange={(event) => change({ from: event.target.value })} />
        </label>
        <label className="select-field">
          <span className="select-field__label">To</span>
          <input type="date" value={form.to} onChange={(event) => change({ to: event.target.value })} />
        </label>
        <button type="button" className="button" onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </div>
      <FormError message={exportError} />
      {log.isPending ? (
        <PageLoading label="Loading the audit log…" />
      ) : log.error ? (
        <PageError title="Can't load the audit log" error={log.error} backTo="/" />
      ) : (
        <AuditTable
          items={log.data.pages.flatMap((page) => page.items)}
          onShowMore={log.hasNextPage ? () => void log.fetchNextPage() : null}
        />
      )}
    </div>
  );
}

function AuditTable({ items, onShowMore }: { items: TAuditEntry[]; onShowMore: (() => void) | null }) {
  return (
    <DataTable
      testId="audit-log"
      columns={["When", "What", "Who", "Target", "From"]}
      empty={{ isEmpty: items.length === 0, message: "Nothing recorded for this filter." }}
      onShowMore={onShowMore}
    >
      {items.map((entry) => (
        <AuditRow key={entry.id} entry={entry} />
      ))}
    </DataTable>
  );
}

function AuditRow({ entry }: { entry: TAuditEntry }) {
  const details = Object.keys(entry.details).length > 0 ? JSON.stringify(entry.details) : "";
  return (
    <tr>
      <td>{formatDateTime(entry.createdAt)}</td>
      <td>
        {AUDIT_ACTION_LABELS[entry.action] ?? entry.action}
        {details && <div className="muted audit-details">{details}</div>}
      </td>
      <td>{entry.actor.name ?? entry.actor.email ?? "—"}</td>
      <td>{entry.target ? (entry.target.label ?? entry.target.id) : ""}</td>
      <td>
        {entry.ip ?? ""}
        {entry.userAgent && <div className="muted audit-details">{entry.userAgent}</div>}
      </td>
    </tr>
  );
}
