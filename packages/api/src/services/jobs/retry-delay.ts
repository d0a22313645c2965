// How long a failed job waits before its next try: what the service asked for (Retry-After)
// when it said so, otherwise exponential backoff with full jitter.

export type TBackoff = { baseDelayMs: number; maxDelayMs: number };

export function retryDelayMs(backoff: TBackoff, attempt: number, retryAfterMs: number | null): number {
  if (retryAfterMs !== null) return Math.min(retryAfterMs, backoff.maxDelayMs);
  return Math.random() * Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** (attempt - 1));
}

/** A Retry-After header (delta-seconds or an HTTP date) in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1_000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
