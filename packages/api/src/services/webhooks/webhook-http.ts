// One POST to an endpoint an ADMIN registered, through the same private-network guard as the PSA
// (privateHostRefusal first, for a clear reason; then createGuardedFetch's connect-time guard),
// with a timeout, no redirects (one could lead into the private network), and the outcome as the
// delivery log shows it: the status, how long it took, and whether and when to try again. Any
// answer but 2xx is tried again (as Standard Webhooks senders do), after Retry-After when given;
// an address on a private network is not.
import type { LookupFunction } from "node:net";
import { parseRetryAfter } from "../jobs/retry-delay.ts";
import type { TOutboundFetch, TOutboundResponse } from "../outbound/guarded-fetch.ts";
import {
  describeNetworkError,
  isPrivateAddressRefusal,
  privateHostReason,
  privateHostRefusal,
} from "../outbound/private-address.ts";

export type TWebhookHttp = {
  /** createGuardedFetch: refuses this machine and private networks at connect time unless they are allowed. */
  fetch: TOutboundFetch;
  timeoutMs: number;
  /** Whether endpoints on this machine or a private network may be reached (WEBHOOK_ALLOW_PRIVATE_HOSTS). */
  allowPrivateHosts: boolean;
  /** The DNS lookup behind the first refusal; node:dns by default (tests give changing answers). */
  resolve?: LookupFunction;
};

export type TPostOutcome = {
  ok: boolean;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  isRetryable: boolean;
  retryAfterMs: number | null;
};

const MAX_ERROR_BODY_CHARS = 200;

export async function postToEndpoint(
  http: TWebhookHttp,
  request: { url: string; headers: Record<string, string>; body: string; signal: AbortSignal },
): Promise<TPostOutcome> {
  const started = performance.now();
  const outcome = (fields: Partial<TPostOutcome> & Pick<TPostOutcome, "ok">): TPostOutcome => ({
    responseStatus: null,
    error: null,
    isRetryable: false,
    retryAfterMs: null,
    ...fields,
    durationMs: Math.round(performance.now() - started),
  });
  const refusal = http.allowPrivateHosts ? null : await privateHostRefusal(request.url, http.resolve);
  const privateRefusal = (reason: string) =>
    outcome({
      ok: false,
      error: `${reason}; Handoff only reaches such an endpoint when WEBHOOK_ALLOW_PRIVATE_HOSTS is set`,
    });
  if (refusal) {
    if (!refusal.isRetryable) return privateRefusal(refusal.reason);
    return outcome({ ok: false, error: refusal.reason, isRetryable: true });
  }
  let response: TOutboundResponse;
  try {
    response = await http.fetch(request.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Handoff-Webhooks/1", ...request.headers },
      body: request.body,
      redirect: "error",
      signal: AbortSignal.any([request.signal, AbortSignal.timeout(http.timeoutMs)]),
    });
  } catch (error) {
    // The name resolved to a public address just now and to a private one at connect time (rebinding).
    if (isPrivateAddressRefusal(error)) return privateRefusal(privateHostReason(new URL(request.url).host));
    const isTimeout =
      error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    const host = new URL(request.url).host;
    return outcome({
      ok: false,
      error: isTimeout
        ? `no answer from ${host} within ${Math.round(http.timeoutMs / 1000)} s`
        : `could not reach ${host} (${describeNetworkError(error)})`,
      isRetryable: true,
    });
  }
  const text = await response.text().catch(() => "");
  if (response.ok) return outcome({ ok: true, responseStatus: response.status });
  const detail = text.replace(/\s+/g, " ").trim().slice(0, MAX_ERROR_BODY_CHARS);
  return outcome({
    ok: false,
    responseStatus: response.status,
    error: `answered ${response.status}${detail ? `: ${detail}` : ""}`,
    isRetryable: true,
    retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
  });
}
