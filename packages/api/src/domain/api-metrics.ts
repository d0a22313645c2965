// What the API reports to whoever runs it (the server's /metrics): a small interface the server
// implements, so this package knows nothing of Prometheus. Called after the fact, never awaited.
import type { TEscalationBusMessage } from "./bus-message.ts";

export type TApiMetrics = {
  /** Events that just committed in this process (escalations, claims, releases… are counted from them). */
  eventsCommitted(events: readonly TEscalationBusMessage[]): void;
  /** A job's run failed: it will be retried, or (`isGivingUp`) it is now DEAD. */
  jobFailed(kind: string, isGivingUp: boolean): void;
};
