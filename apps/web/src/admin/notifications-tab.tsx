// The notification log: who got which message, on which channel, how it went; retry a failed email.
import { useState } from "react";
import { PageError, PageLoading } from "../layout/page-states.tsx";
import { errorMessage } from "../lib/api-errors.ts";
import { formatDateTime } from "../lib/relative-time.ts";
import { trpc } from "../lib/trpc.ts";
import { DataTable } from "../ui/data-table.tsx";
import { FormError } from "../ui/form-error.tsx";

type TStatusFilter = "pending" | "sent" | "failed" | "skipped" | undefined;

export function NotificationsTab() {
  const utils = trpc.useUtils();
  const [status, setStatus] = useState<TStatusFilter>(undefined);
  const log = trpc.notification.list.useInfiniteQuery(
    { status, limit: 50 },
    { getNextPageParam: (page) => page.nextCursor ?? undefined },
  );
  const retry = trpc.job.retry.useMutation({ onSuccess: () => void utils.notification.list.invalidate() });

  if (log.isPending) return <PageLoading label="Loading the notification log…" />;
  if (log.error) return <PageError title="Can't load the log" error={log.error} backTo="/" />;
  const items = log.data.pages.flatMap((page) => page.items);
  return (
    <div className="admin-panel">
      <label className="select-field">
        <span className="select-field__label">Status</span>
        <select
          value={status ?? ""}
          onChange={(event) => setStatus((event.target.value || undefined) as TStatusFilter)}
        >
          <option value="">All</option>
          <option value="failed">Failed</option>
          <option value="pending">Pending</option>
          <option value="sent">Sent</option>
          <option value="skipped">Skipped</option>
        </select>
      </label>
      <FormError message={retry.error && errorMessage(retry.error)} />
      <DataTable
        testId="notification-log"
        columns={["When", "To", "About", "Channel", "Status", "Attempts", "Last error", ""]}
        empty={{ isEmpty: items.length === 0, message: "Nothing sent yet." }}
        onShowMore={log.hasNextPage ? () => void log.fetchNextPage() : null}
      >
        {items.map((item) => (
          <tr key={item.id}>
            <td>{formatDateTime(item.createdAt)}</td>
            <td>
              {item.recipient.name}
              <div className="muted">{item.recipient.email}</div>
            </td>
            <td>
              {item.subject}
              <div className="muted">{item.reason}</div>
            </td>
            <td>{item.channel}</td>
            <td>{item.status}</td>
            <td>{item.attempts}</td>
            <td className="muted">{item.lastError ?? ""}</td>
            <td>
              {item.retryJobId && (
                <button
                  type="button"
                  className="button"
                  disabled={retry.isPending}
                  onClick={() => retry.mutate({ jobId: item.retryJobId ?? "" })}
                >
                  Retry
                </button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
