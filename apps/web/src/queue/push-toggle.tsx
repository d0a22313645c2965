// The queue toolbar's push control: turn push alerts on for this device (with the tab closed)
// and choose from which priority a new escalation pushes. Hidden where the browser cannot push.
// In a chunk of its own with push-alerts.ts: the queue's first paint does not wait for it.
import type { THandoffPriority } from "@handoff/api/client-contract";
import { usePushAlerts } from "../lib/push-alerts.ts";
import "./queue.css";

const THRESHOLDS: ReadonlyArray<{ value: THandoffPriority; label: string }> = [
  { value: "urgent", label: "Urgent only" },
  { value: "high", label: "High and urgent" },
  { value: "normal", label: "Normal and up" },
  { value: "low", label: "Every escalation" },
];

export function PushToggle() {
  const push = usePushAlerts();
  if (push.status === "unsupported") return null;
  const isOn = push.status === "on";
  const title =
    push.status === "blocked"
      ? "Notifications are blocked for this site: allow them in the browser's site settings."
      : "Alerts on this device even with every Handoff tab closed: new escalations from the priority you choose, re-pages of overdue ones, and claims of your sessions.";
  return (
    <div className="push-toggle">
      <button
        type="button"
        className="toggle"
        aria-pressed={isOn}
        disabled={push.isBusy || push.status === "checking" || push.status === "blocked"}
        title={title}
        onClick={() => void (isOn ? push.disable() : push.enable(push.minPriority))}
      >
        Push alerts
      </button>
      {isOn && (
        <label className="select-field">
          <span className="select-field__label">Push for</span>
          <select
            value={push.minPriority}
            disabled={push.isBusy}
            onChange={(event) => void push.changeMinPriority(event.target.value as THandoffPriority)}
          >
            {THRESHOLDS.map((threshold) => (
              <option key={threshold.value} value={threshold.value}>
                {threshold.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {isOn && (
        <button
          type="button"
          className="button button--ghost"
          disabled={push.isBusy}
          onClick={() => void push.sendTest()}
        >
          Send a test
        </button>
      )}
      {push.testOutcome && (
        <span className="muted" role="status">
          {push.testOutcome}
        </span>
      )}
      {push.error && (
        <span className="push-toggle__error" role="alert">
          {push.error}
        </span>
      )}
    </div>
  );
}
