// A pushed stream read as an async iterator: what a sink is handed is queued and pulled one item at
// a time. For consumers that iterate (tRPC's own adapter, tests); the WebSocket fast path takes the
// pushes directly.

/** Where a source pushes: items in order, then one end (an error, or nothing when it closed). */
export type TPushSink<T> = { deliver(item: T): void; end(error?: unknown): void };

/**
 * Starts the source with `attach` on the first pull and yields what it pushes until it ends (its
 * error is thrown), `signal` aborts, or the iterator is left; then stops it.
 */
export async function* pullItems<T>(
  attach: (sink: TPushSink<T>) => { stop(): void },
  signal?: AbortSignal,
): AsyncGenerator<T> {
  const queue: T[] = [];
  let wake: (() => void) | null = null;
  let outcome = null as { error?: unknown } | null;
  const settle = (settled: { error?: unknown }) => {
    outcome ??= settled;
    wake?.();
  };
  const following = attach({
    deliver(item) {
      queue.push(item);
      wake?.();
    },
    end: (error) => settle(error === undefined ? {} : { error }),
  });
  const onAbort = () => settle({});
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    while (true) {
      const item = queue.shift();
      if (item !== undefined) {
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
  } finally {
    signal?.removeEventListener("abort", onAbort);
    following.stop();
  }
}
