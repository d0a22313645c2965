// Live / Reconnecting / Offline: how the page's live stream is doing, at a glance.
import type { TConnectionStatus } from "./use-escalation-stream.ts";
import "./live.css";

const LABEL: Record<TConnectionStatus["status"], string> = {
  connecting: "Connecting",
  live: "Live",
  reconnecting: "Reconnecting",
  offline: "Offline",
  refused: "Not available",
};

const HINT: Record<TConnectionStatus["status"], string> = {
  connecting: "Opening the live connection…",
  live: "Changes appear here the moment they happen.",
  reconnecting: "Connection lost. Reconnecting by itself; nothing will be missed.",
  offline: "Can't reach the server — retrying. This page catches up as soon as it answers.",
  refused: "The server does not stream this queue to your role.",
};

/** Blame the right thing: the device's own network, or the server. */
function hint(status: TConnectionStatus["status"]): string {
  if (status === "offline" && !navigator.onLine)
    return "This device is offline. This page catches up as soon as the network is back.";
  return HINT[status];
}

export function ConnectionPill({ connection }: { connection: TConnectionStatus }) {
  return (
    <span
      className={`pill pill--${connection.status}`}
      data-testid="connection-pill"
      data-status={connection.status}
      title={hint(connection.status)}
    >
      <span className="pill__dot" aria-hidden="true" />
      {LABEL[connection.status]}
    </span>
  );
}
