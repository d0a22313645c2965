// Which calls may share one request (an HTTP batch, a WebSocket message). The server refuses any
// other shape and the clients' links never send one. Zod-free, for the web app (see ../client-contract.ts).

/** Calls one HTTP batch may hold; a batch link must split larger ones (its `maxItems`). */
export const MAX_BATCH_CALLS = 20;

/**
 * auth.* calls (a sign-in is a password guess) each go in a request of their own, so one request
 * never carries many guesses.
 */
export function isSentAlone(path: string): boolean {
  return path.startsWith("auth.");
}

/** Why a batch of calls to `paths` is refused, for the caller to read; null when it may run. */
export function batchRefusal(paths: readonly string[], maxCalls = Number.POSITIVE_INFINITY): string | null {
  const loner = paths.length > 1 ? paths.find(isSentAlone) : undefined;
  if (loner) return `${loner} must be sent on its own, not in a batch with other calls.`;
  if (paths.length <= maxCalls) return null;
  return `A batch may hold at most ${maxCalls} calls; this one holds ${paths.length}. Send fewer at once.`;
}
