// A webhook's host checked twice: first by privateHostRefusal (a clear reason, no connection), then
// by the connection's own lookup (createGuardedFetch's guard), so a name that answers a public address
// to the first check and this machine's to the second (DNS rebinding) is still never connected to.
import type { LookupFunction } from "node:net";
import { describe, expect, it } from "vitest";
import { useBareHttpServer } from "../../testing/use-bare-http-server.ts";
import { createGuardedFetch } from "../outbound/guarded-fetch.ts";
import { postToEndpoint } from "./webhook-http.ts";

describe("a webhook's private-network guard", () => {
  const server = useBareHttpServer();

  /** Answers each lookup with the next address in `answers` (the last one repeats). */
  const answering = (...answers: string[]): LookupFunction => {
    let calls = 0;
    return (_hostname, options, callback) => {
      const address = answers[Math.min(calls++, answers.length - 1)] ?? "";
      options.all ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4);
    };
  };
  const post = (resolve: LookupFunction) =>
    postToEndpoint(
      {
        fetch: createGuardedFetch({ allowPrivateHosts: false, resolve }),
        timeoutMs: 5_000,
        allowPrivateHosts: false,
        resolve,
      },
      {
        url: `http://hook.rebind.example:${server.port}/in`,
        headers: {},
        body: "{}",
        signal: AbortSignal.timeout(5_000),
      },
    );

  it("refuses a name that answers a private address before connecting, not to be retried", async () => {
    expect(await post(answering("127.0.0.1"))).toMatchObject({
      ok: false,
      isRetryable: false,
      error: `hook.rebind.example:${server.port} is on this machine or a private network; Handoff only reaches such an endpoint when WEBHOOK_ALLOW_PRIVATE_HOSTS is set`,
    });
    expect(server.requests).toBe(0);
  });

  it("refuses at connect time a name that answered a public address to the first check", async () => {
    expect(await post(answering("93.184.215.14", "127.0.0.1"))).toMatchObject({
      ok: false,
      isRetryable: false,
      responseStatus: null,
      error: `hook.rebind.example:${server.port} is on this machine or a private network; Handoff only reaches such an endpoint when WEBHOOK_ALLOW_PRIVATE_HOSTS is set`,
    });
    expect(server.requests).toBe(0);
  });
});
