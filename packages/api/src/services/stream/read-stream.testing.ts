// Tests read a stream hub the way they read any async source: a sink that queues what the hub
// delivers, pulled one item at a time.
import type { StreamHub, TStreamItem } from "./stream-hub.ts";

export async function* readStream(
  hub: StreamHub,
  options: { accountId: string; lastEventId: string | null; signal: AbortSignal },
): AsyncGenerator<TStreamItem> {
  const queue: TStreamItem[] = [];
  let wake: (() => void) | null = null;
  let outcome = null as { error?: unknown } | null;
  const deliver = (item: TStreamItem) => {
    queue.push(item);
    wake?.();
  };
  const settle = (settled: { error?: unknown }) => {
    outcome = settled;
    wake?.();
  };
  const following = hub.follow({
    accountId: options.accountId,
    lastEventId: options.lastEventId,
    sink: { wants: () => true, deliver, end: (error) => settle(error === undefined ? {} : { error }) },
  });
  options.signal.addEventListener("abort", () => {
    following.stop();
    settle({});
  });
  while (true) {
    const item = queue.shift();
    if (item) {
      yield item;
      continue;
    }
    if (outcome) {
      if ("error" in outcome) throw outcome.error;
      return;
    }
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = null;
  }
}
