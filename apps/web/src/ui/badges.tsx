// Small labelled markers used across pages: priority, intent, session status, confidence.
import type {
  TConfidenceTier,
  THandoffIntent,
  THandoffPriority,
  TSessionStatus,
} from "@handoff/api/client-contract";
import "./badges.css";

const PRIORITY_LABEL: Record<THandoffPriority, string> = {
  urgent: "Urgent",
  high: "High",
  normal: "Normal",
  low: "Low",
};

export function PriorityBadge({ priority }: { priority: THandoffPriority }) {
  return <span className={`badge badge--priority-${priority}`}>{PRIORITY_LABEL[priority]}</span>;
}

export function IntentTag({ intent }: { intent: THandoffIntent }) {
  return <span className={`tag tag--${intent}`}>{intent === "escalate" ? "Escalation" : "Parked"}</span>;
}

const STATUS_LABEL: Record<TSessionStatus, string> = {
  active: "Active",
  paused: "Parked",
  escalated: "Escalated",
  resolved: "Resolved",
};

export function StatusBadge({ status }: { status: TSessionStatus }) {
  return <span className={`status status--${status}`}>{STATUS_LABEL[status]}</span>;
}

const CONFIDENCE_LEVEL: Record<TConfidenceTier, number> = { low: 1, medium: 2, high: 3 };

export function Confidence({ tier }: { tier: TConfidenceTier }) {
  const level = CONFIDENCE_LEVEL[tier];
  return (
    <span className="confidence" title={`Confidence: ${tier}`}>
      <span className="confidence__bars" aria-hidden="true">
        {[1, 2, 3].map((bar) => (
          <span key={bar} className={bar <= level ? "is-on" : undefined} />
        ))}
      </span>
      <span className="confidence__label">{tier} confidence</span>
    </span>
  );
}
