import type { LookupFunction } from "node:net";
import { describe, expect, it } from "vitest";
import { useBareHttpServer } from "../../testing/use-bare-http-server.ts";
import { requestJson } from "../psa/psa-provider.ts";
import { createGuardedFetch } from "./guarded-fetch.ts";
import { guardedLookup, isPrivateAddress, PrivateAddressError } from "./private-address.ts";

describe("private addresses", () => {
  it("covers this machine, private networks, link-local and their IPv6 forms", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.31.255.255",
      "192.168.0.10",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "255.255.255.255",
      "::1",
      "::",
      "fd00::1",
      "fe80::1",
      "::ffff:10.0.0.1",
      "::ffff:7f00:1",
      // IPv4-compatible, IPv4-translated, NAT64 (well-known and local-use) and 6to4 forms of private IPv4
      "::127.0.0.1",
      "::a9fe:a9fe",
      "::ffff:0:a00:1",
      "64:ff9b::a9fe:a9fe",
      "64:ff9b::127.0.0.1",
      "64:ff9b:1::808:808",
      "2002:7f00:1::",
      "2002:a9fe:a9fe::1",
      // Teredo tunnels, documentation and other non-global IPv6
      "2001:0:4136:e378:8000:63bf:3fff:fdd2",
      "2001:db8::1",
      "fec0::1",
    ]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
  });

  it("lets public addresses through, also when IPv6 carries a public IPv4", () => {
    for (const address of [
      "8.8.8.8",
      "172.32.0.1",
      "93.184.215.14",
      "2606:4700::1111",
      "::ffff:8.8.8.8",
      "64:ff9b::808:808",
      "2002:808:808::1",
    ]) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });
});

describe("the guard at connect time", () => {
  const server = useBareHttpServer();

  /** A DNS answer for any name: the attacker's name answers with the machine's own address. */
  const answering =
    (address: string): LookupFunction =>
    (_hostname, options, callback) =>
      options.all ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4);
  const signal = () => AbortSignal.timeout(5_000);

  it("refuses a public-looking name whose lookup answers a private address, without connecting or naming it", async () => {
    const http = {
      fetch: createGuardedFetch({ allowPrivateHosts: false, resolve: answering("127.0.0.1") }),
      timeoutMs: 5_000,
    };
    const result = await requestJson(http, "ConnectWise", `http://psa.rebind.example:${server.port}/info`, {
      signal: signal(),
    });
    expect(result).toEqual({
      ok: false,
      error: `ConnectWise: psa.rebind.example:${server.port} is on this machine or a private network; Handoff only reaches such a PSA when PSA_ALLOW_PRIVATE_HOSTS is set`,
      isRetryable: false,
      retryAfterMs: null,
    });
    expect(server.requests).toBe(0);
  });

  it("refuses private IPv6 literals before connecting", async () => {
    const fetch = createGuardedFetch({ allowPrivateHosts: false });
    for (const host of ["[::127.0.0.1]", "[64:ff9b::a9fe:a9fe]", "[2002:7f00:1::]", "[::ffff:127.0.0.1]"]) {
      await expect(fetch(`http://${host}:${server.port}/`, { signal: signal() }), host).rejects.toMatchObject(
        {
          cause: expect.any(PrivateAddressError),
        },
      );
    }
    expect(server.requests).toBe(0);
  });

  it("reaches a PSA on this machine when PSA_ALLOW_PRIVATE_HOSTS allows it", async () => {
    const fetch = createGuardedFetch({ allowPrivateHosts: true });
    const response = await fetch(`http://localhost:${server.port}/info`, { signal: signal() });
    expect(response.status).toBe(200);
    expect(server.requests).toBe(1);
  });

  it("passes public answers through in the shape the connection asked for", async () => {
    const lookup = guardedLookup(answering("93.184.215.14"));
    const single = await new Promise((resolve) =>
      lookup("psa.example.com", { family: 0 }, (error, address, family) =>
        resolve({ error, address, family }),
      ),
    );
    expect(single).toEqual({ error: null, address: "93.184.215.14", family: 4 });
    const all = await new Promise((resolve) =>
      lookup("psa.example.com", { all: true }, (error, addresses) => resolve({ error, addresses })),
    );
    expect(all).toEqual({ error: null, addresses: [{ address: "93.184.215.14", family: 4 }] });
  });
});
