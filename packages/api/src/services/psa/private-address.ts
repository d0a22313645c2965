// An ADMIN types the PSA's address, so the server must not become a way into the network it runs
// in: requests to this machine, private networks and link-local addresses are refused unless whoever
// runs Handoff allows them (PSA_ALLOW_PRIVATE_HOSTS, for a PSA on the same network, or a local
// stand-in). The name is resolved here and every address it resolves to is checked; fetch resolves
// it again, so a name whose answer changes in between (DNS rebinding) is not covered.
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

const PRIVATE_V4: [string, number][] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
];
const PRIVATE_V6: [string, number][] = [
  ["::", 127],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
];

const privateRanges = new BlockList();
for (const [network, prefix] of PRIVATE_V4) privateRanges.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of PRIVATE_V6) privateRanges.addSubnet(network, prefix, "ipv6");

export function isPrivateAddress(address: string): boolean {
  const mappedV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mappedV4) return isPrivateAddress(mappedV4);
  const family = isIP(address);
  if (family === 0) return false;
  return privateRanges.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** The first private address `hostname` is or resolves to, or null; throws when it cannot be resolved. */
export async function privateAddressOf(hostname: string): Promise<string | null> {
  const host = hostname.replace(/^\[(.*)\]$/, "$1");
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
  return addresses.find(isPrivateAddress) ?? null;
}
