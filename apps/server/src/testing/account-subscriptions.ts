// What a test means by "the bus is left clean": every subscription held for an account (its event
// hub, its presence room) is gone. The process's one listener for ended logins stays while it runs.
import { LOGINS_CHANNEL } from "@handoff/api";
import type { Bus } from "@handoff/bus";

export function accountSubscriptions(bus: Pick<Bus<unknown>, "subscriberCount">): number {
  return bus.subscriberCount() - bus.subscriberCount(LOGINS_CHANNEL);
}
