// An ADMIN types the PSA's address, so the server must not become a way into the network it runs
// in: requests to this machine, private networks, link-local and other special-purpose addresses
// are refused unless whoever runs Handoff allows them (PSA_ALLOW_PRIVATE_HOSTS, for a PSA on the
// same network, or a local stand-in). The check runs inside the connection's own DNS lookup
// (guardedLookup), so the address checked is the address connected to: DNS rebinding cannot slip
// a private address in between. Never names the refused address (it would map the network).
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

/** Thrown (as a fetch failure's cause) when a PSA's host is or resolves to a private address. */
export class PrivateAddressError extends Error {
  readonly code = "EPRIVATEADDRESS";
  constructor(readonly hostname: string) {
    super(`${hostname} is on this machine or a private network`);
    this.name = "PrivateAddressError";
  }
}

// Public IPv6 unicast space; anything outside it (other than an embedded IPv4 checked below) is
// not a place a PSA on the internet lives.
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parse("2000::");
const NAT64_WELL_KNOWN = ipaddr.IPv6.parse("64:ff9b::");
const SIX_TO_FOUR = ipaddr.IPv6.parse("2002::");
const IPV4_TRANSLATED = ipaddr.IPv6.parse("::ffff:0:0:0");

/**
 * Whether an IP literal is anything but a public unicast address. IPv6 forms that carry an IPv4
 * address (IPv4-compatible `::a.b.c.d`, IPv4-mapped, IPv4-translated, NAT64 `64:ff9b::/96`, 6to4
 * `2002::/16`) are judged by that IPv4 address. Text that is not an IP literal is not one.
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 4) return ipaddr.IPv4.parse(address).range() !== "unicast";
  const v6 = ipaddr.IPv6.parse(address);
  const embedded = embeddedIPv4(v6);
  if (embedded) return embedded.range() !== "unicast";
  return !v6.match(GLOBAL_UNICAST_V6, 3) || v6.range() !== "unicast";
}

function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | null {
  const [p0, p1, p2, p3, p4, p5, p6 = 0, p7 = 0] = v6.parts;
  const fromParts = (high: number, low: number) =>
    new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  // ::a.b.c.d (IPv4-compatible, which includes :: and ::1) and ::ffff:a.b.c.d (IPv4-mapped).
  if (p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0 && p4 === 0 && (p5 === 0 || p5 === 0xffff)) {
    return fromParts(p6, p7);
  }
  if (v6.match(IPV4_TRANSLATED, 96) || v6.match(NAT64_WELL_KNOWN, 96)) return fromParts(p6, p7);
  if (v6.match(SIX_TO_FOUR, 16)) return fromParts(p1 ?? 0, p2 ?? 0);
  return null;
}

/**
 * A `lookup` for net/tls connections (undici's `connect.lookup`) that resolves with `resolve` and
 * fails with PrivateAddressError when any address the name has is private, so the connection is
 * never opened to one.
 */
export function guardedLookup(resolve: LookupFunction = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const found = addresses as LookupAddress[];
      if (found.some((entry) => isPrivateAddress(entry.address))) {
        return callback(new PrivateAddressError(hostname), "", 0);
      }
      if (options.all) return callback(null, found);
      const [first] = found;
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * The fast first refusal for an address an ADMIN typed (webhooks, Teams, Slack: on saving and before
 * each request), with a reason to show; the connection's own guardedLookup still decides. Why `url`
 * may not be reached, or null. Not resolvable is worth retrying; private is not.
 */
export async function privateHostRefusal(
  url: string,
  resolve: LookupFunction = dnsLookup,
): Promise<{ reason: string; isRetryable: boolean } | null> {
  const { hostname, host } = new URL(url);
  const literal = hostname.replace(/^\[(.*)\]$/, "$1");
  try {
    const addresses = isIP(literal) ? [literal] : await resolveAll(resolve, literal);
    if (!addresses.some(isPrivateAddress)) return null;
    return { reason: privateHostReason(host), isRetryable: false };
  } catch (error) {
    return { reason: `could not resolve ${host} (${describeNetworkError(error)})`, isRetryable: true };
  }
}

function resolveAll(resolve: LookupFunction, hostname: string): Promise<string[]> {
  return new Promise((done, fail) =>
    resolve(hostname, { all: true }, (error, addresses) =>
      error ? fail(error) : done((addresses as LookupAddress[]).map((entry) => entry.address)),
    ),
  );
}

export function privateHostReason(host: string): string {
  return `${host} is on this machine or a private network`;
}

/** Whether a fetch failed because guardedLookup (or createGuardedFetch) refused a private address. */
export function isPrivateAddressRefusal(error: unknown): boolean {
  return error instanceof Error && error.cause instanceof PrivateAddressError;
}

export function describeNetworkError(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}
