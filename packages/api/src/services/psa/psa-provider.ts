// The one small interface every PSA implements (ConnectWise, HaloPSA; Autotask can follow), and
// the HTTP plumbing they share: a timeout on every request, and failures sorted into "try again
// later" (network, 408, 429, 5xx, honouring Retry-After) and "a person must fix something".
// Never puts credentials in an error message.

import type { THaloOutcome } from "../../schemas/psa.ts";
import { parseRetryAfter } from "../jobs/retry-delay.ts";
import type { TOutboundFetch, TOutboundRequest, TOutboundResponse } from "../outbound/guarded-fetch.ts";
import { describeNetworkError, isPrivateAddressRefusal } from "../outbound/private-address.ts";

export type TPsaResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: string; isRetryable: boolean; retryAfterMs: number | null };

export type PsaProvider = {
  /** A real authenticated request; resolves to what the PSA said about itself. */
  test(signal: AbortSignal): Promise<TPsaResult<string>>;
  /** The id of a note on the ticket whose text contains `marker`, or null. */
  findNote(ticketId: number, marker: string, signal: AbortSignal): Promise<TPsaResult<string | null>>;
  /** Adds an internal note (hidden from the end user) and resolves to its id in the PSA. */
  addNote(ticketId: number, text: string, signal: AbortSignal): Promise<TPsaResult<string>>;
  /** The outcomes a note may be given, for a PSA whose notes have one (HaloPSA). */
  noteOutcomes?(signal: AbortSignal): Promise<TPsaResult<THaloOutcome[]>>;
};

export type TPsaHttp = {
  /** createGuardedFetch: refuses this machine and private networks unless they are allowed. */
  fetch: TOutboundFetch;
  timeoutMs: number;
};

export const failure = (
  error: string,
  isRetryable: boolean,
  retryAfterMs: number | null = null,
): TPsaResult<never> => ({ ok: false, error, isRetryable, retryAfterMs });

/**
 * One request; a 2xx answer resolves to its parsed JSON body (null when empty). `what` names the
 * PSA and the operation in messages ("ConnectWise (add note)").
 */
export async function requestJson(
  http: TPsaHttp,
  what: string,
  url: string,
  init: TOutboundRequest,
): Promise<TPsaResult<unknown> & { status?: number }> {
  let response: TOutboundResponse;
  try {
    response = await http.fetch(url, {
      ...init,
      redirect: "error",
      signal: AbortSignal.any([init.signal, AbortSignal.timeout(http.timeoutMs)]),
    });
  } catch (error) {
    if (isPrivateAddressRefusal(error)) {
      return failure(
        `${what}: ${new URL(url).host} is on this machine or a private network; Handoff only reaches such a PSA when PSA_ALLOW_PRIVATE_HOSTS is set`,
        false,
      );
    }
    const isTimeout =
      error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return failure(
      isTimeout
        ? `${what}: no answer within ${Math.round(http.timeoutMs / 1000)} s`
        : `${what}: could not reach ${new URL(url).host} (${describeNetworkError(error)})`,
      true,
    );
  }
  const text = await response.text().catch(() => "");
  if (response.ok) {
    if (text.trim() === "") return { ok: true, value: null, status: response.status };
    try {
      return { ok: true, value: JSON.parse(text) as unknown, status: response.status };
    } catch {
      return { ...failure(`${what}: the answer was not JSON`, true), status: response.status };
    }
  }
  const status = response.status;
  const detail = errorDetail(text);
  const message = `${what}: ${status} ${describeStatus(status)}${detail ? ` (${detail})` : ""}`;
  const isRetryable = status === 408 || status === 429 || status >= 500;
  return {
    ...failure(message, isRetryable, parseRetryAfter(response.headers.get("retry-after"))),
    status,
  };
}

function describeStatus(status: number): string {
  if (status === 401) return "the credentials were refused";
  if (status === 403) return "the API user may not do this";
  if (status === 404) return "not found";
  if (status === 429) return "rate limited";
  if (status >= 500) return "the PSA had an error";
  return "the request was refused";
}

/** The PSA's own message, if its error body has one, kept short. */
function errorDetail(body: string): string {
  let message = body;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const candidate = parsed.message ?? parsed.error_description ?? parsed.error ?? parsed.ClassName;
    message = typeof candidate === "string" ? candidate : "";
  } catch {
    if (/<html/i.test(body)) message = "";
  }
  const oneLine = message.replace(/\s+/g, " ").trim();
  return oneLine.length > 160 ? `${oneLine.slice(0, 159)}…` : oneLine;
}

/** A ticket reference as these PSAs number tickets ("48213" or "#48213"); null if it is not one. */
export function ticketNumber(ticketId: string): number | null {
  const match = /^#?\s*(\d{1,12})$/.exec(ticketId.trim());
  return match ? Number(match[1]) : null;
}
