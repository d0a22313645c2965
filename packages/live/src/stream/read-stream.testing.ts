// Tests read a stream hub the way they read any async source: a sink that queues what the hub
// delivers, pulled one item at a time.
import { pullItems } from "./pulled-items.ts";
import type { StreamHub, TStreamItem } from "./stream-hub.ts";

export function readStream(
  hub: StreamHub,
  options: { accountId: string; lastEventId: string | null; signal: AbortSignal },
): AsyncGenerator<TStreamItem> {
  return pullItems<TStreamItem>(
    ({ deliver, end }) =>
      hub.follow({
        accountId: options.accountId,
        lastEventId: options.lastEventId,
        sink: { wants: () => true, deliver, end },
      }),
    options.signal,
  );
}
