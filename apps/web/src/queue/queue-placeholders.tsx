// The queue's designed non-list states: loading, empty, error, and "not for your role".
import type { TQueueFilter } from "./queue-reducer.ts";

export function QueueSkeleton() {
  return (
    <div className="queue-list" role="status" aria-busy="true" aria-label="Loading the queue">
      {[0, 1, 2].map((row) => (
        <div key={row} className="skeleton-card">
          <span className="skeleton skeleton--short" />
          <span className="skeleton skeleton--long" />
          <span className="skeleton skeleton--medium" />
        </div>
      ))}
    </div>
  );
}

const EMPTY_TEXT: Record<TQueueFilter["intent"], string> = {
  escalate: "No escalations waiting.",
  park: "No parked sessions waiting.",
  all: "The queue is clear.",
};

export function QueueEmpty({
  filter,
  isSearching,
  isDisconnected,
}: {
  filter: TQueueFilter["intent"];
  isSearching: boolean;
  /** Offline or reconnecting, the page cannot promise that arrivals show up. */
  isDisconnected: boolean;
}) {
  if (isSearching) {
    return (
      <div className="empty-state" data-testid="queue-empty">
        <h2>Nothing in the queue matches that search.</h2>
        <p className="muted">New handoffs that match still slide in here as they are raised.</p>
      </div>
    );
  }
  return (
    <div className="empty-state" data-testid="queue-empty">
      <div className="empty-state__icon" aria-hidden="true">
        ✓
      </div>
      <h2>{EMPTY_TEXT[filter]}</h2>
      <p className="muted">
        {isDisconnected
          ? "Not connected right now, so new handoffs cannot reach this page. It reconnects by itself and then shows everything raised meanwhile."
          : "New handoffs slide in here the moment they are raised. Keep this tab open; it stays live on its own."}
      </p>
    </div>
  );
}

export function QueueError({ message, onRetry }: { message: string; onRetry(): void }) {
  return (
    <div className="empty-state empty-state--error" role="alert">
      <div className="empty-state__icon" aria-hidden="true">
        !
      </div>
      <h2>Couldn't load the queue</h2>
      <p className="muted">{message}</p>
      <button type="button" className="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

export function QueueRefused({ message }: { message: string }) {
  return (
    <section className="queue" aria-labelledby="queue-title">
      <header className="page-header">
        <h1 id="queue-title">Escalation queue</h1>
      </header>
      <div className="empty-state empty-state--info" data-testid="queue-refused">
        <div className="empty-state__icon" aria-hidden="true">
          i
        </div>
        <h2>The live queue is for engineers</h2>
        <p className="muted">{message}</p>
      </div>
    </section>
  );
}
