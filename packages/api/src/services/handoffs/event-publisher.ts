// Publishes committed events on the bus, after commit, in seq order, without ever delaying or
// failing the caller: subscribers fill any gap from the event log.
import type { CoreDeps } from "../../core-deps.ts";
import type { TEscalationBusMessage } from "../../domain/bus-message.ts";

export function publishInBackground(
  deps: Pick<CoreDeps, "bus" | "logger" | "metrics">,
  events: readonly TEscalationBusMessage[],
): void {
  deps.metrics?.eventsCommitted(events);
  for (const event of events) {
    deps.bus.publish(event.accountId, event).catch((error: unknown) => {
      deps.logger.warn(
        { err: error, seq: event.seq, accountId: event.accountId },
        "escalation bus publish failed",
      );
    });
  }
}
