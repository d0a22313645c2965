// The fetch every request to a PSA, a webhook endpoint or an SSO issuer goes through (undici's, with
// an Agent of its own). Unless private hosts are allowed, its connections resolve names through
// guardedLookup, so the address checked is the one connected to; an IP literal (which is never looked
// up) is checked before connecting, and refused the way undici reports the lookup's refusal.
import type { LookupFunction } from "node:net";
import { Agent, fetch as undiciFetch } from "undici";
import { guardedLookup, isPrivateAddress, PrivateAddressError } from "./private-address.ts";

/** What PSA and webhook code sends and reads: a subset of fetch that undici's and the global one share. */
export type TOutboundRequest = {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  redirect?: "error";
  signal: AbortSignal;
};
export type TOutboundResponse = {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
};
export type TOutboundFetch = (url: string, init: TOutboundRequest) => Promise<TOutboundResponse>;

export type TGuardedFetch = (
  url: string,
  init?: Parameters<typeof undiciFetch>[1],
) => ReturnType<typeof undiciFetch>;

export function createGuardedFetch(options: {
  allowPrivateHosts: boolean;
  /** The DNS lookup behind the guard; node:dns by default (tests give a fixed answer). */
  resolve?: LookupFunction;
}): TGuardedFetch {
  const isGuarded = !options.allowPrivateHosts;
  const dispatcher = new Agent(isGuarded ? { connect: { lookup: guardedLookup(options.resolve) } } : {});
  return async (url, init) => {
    const { hostname } = new URL(url);
    if (isGuarded && isPrivateAddress(hostname.replace(/^\[(.*)\]$/, "$1"))) {
      throw new TypeError("fetch failed", { cause: new PrivateAddressError(hostname) });
    }
    return undiciFetch(url, { ...init, dispatcher });
  };
}
