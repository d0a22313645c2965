// Live / Reconnecting / Offline: how the queue's live stream is doing, at a glance.
import type { TConnectionStatus } from "./use-escalation-stream.ts";

const LABEL: Record<TConnectionStatus["status"], string> = {
  connecting: "Connecting",
  live: "Live",
  reconnecting: "Reconnecting",
  offline: "Offline",
  refused: "Not available",
};

const HINT: Record<TConnectionStatus["status"], string> = {
  connecting: "Opening the live connection…",
  live: "New escalations appear here the moment they are raised.",
  reconnecting: "Connection lost. Reconnecting by itself; nothing will be missed.",
  offline: "You appear to be offline. The queue catches up as soon as the connection is back.",
  refused: "The server does not stream this queue to your role.",
};

export function ConnectionPill({ connection }: { connection: TConnectionStatus }) {
  return (
    <span
      className={`pill pill--${connection.status}`}
      data-testid="connection-pill"
      data-status={connection.status}
      title={HINT[connection.status]}
    >
      <span className="pill__dot" aria-hidden="true" />
      {LABEL[connection.status]}
    </span>
  );
}
