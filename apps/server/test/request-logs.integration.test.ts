// Request ids through the real server: every log line of a request carries one (the proxy's
// x-request-id when well-formed, else a fresh one), what the procedures log too, and the response
// echoes it.
import type { IncomingMessage } from "node:http";
import type { AppRouter } from "@handoff/api";
import { createTestAccount } from "@handoff/db/testing";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createLogCapture, login, TEST_APP_ORIGIN, WITHOUT_ASSESSMENTS } from "../src/testing/index.ts";
import { useTestServer } from "./support/use-test-server.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("request ids", () => {
  const logs = createLogCapture();
  const app = useTestServer({ server: { logger: logs.logger, ...WITHOUT_ASSESSMENTS } });

  const linesOf = (requestId: string) => logs.lines().filter((line) => line.requestId === requestId);

  it("echoes a well-formed x-request-id from the proxy and logs the request under it", async () => {
    const response = await fetch(`${app.server.url}/healthz`, {
      headers: { "x-request-id": "caddy-7f3a.01" },
    });
    expect(response.headers.get("x-request-id")).toBe("caddy-7f3a.01");
    await expect.poll(() => linesOf("caddy-7f3a.01").map((line) => line.msg)).toEqual(["request"]);
    expect(linesOf("caddy-7f3a.01")[0]).toMatchObject({ path: "/healthz", status: 200 });
  });

  it("replaces a malformed or missing id with a fresh one", async () => {
    const malformed = await fetch(`${app.server.url}/assets/nowhere.js`, {
      headers: { "x-request-id": "a b\u00e9{}" },
    });
    const missing = await fetch(`${app.server.url}/assets/nowhere.js`);
    const ids = [malformed.headers.get("x-request-id"), missing.headers.get("x-request-id")];
    for (const id of ids) expect(id).toMatch(UUID);
    expect(ids[0]).not.toBe(ids[1]);
    await expect.poll(() => linesOf(ids[1] as string).map((line) => line.status)).toEqual([404]);
  });

  it("tags what a procedure logs during the request with the request's id", async () => {
    const account = await createTestAccount(app.prisma);
    const token = await login(app.server, account.engineer.email);
    const client = createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${app.server.url}/trpc`,
          transformer: superjson,
          headers: { authorization: `Bearer ${token}`, "x-request-id": "escalate-42" },
        }),
      ],
    });
    // With the bus gone, the escalation commits and its publish fails: a warning the mutation logs.
    await app.server.bus.close();
    await client.handoff.escalate.mutate({ sessionId: account.session.id, priority: "high" });
    await expect
      .poll(() => linesOf("escalate-42").map((line) => line.msg))
      .toEqual(expect.arrayContaining(["escalation bus publish failed", "request"]));
    const publishFailures = logs.lines().filter((line) => line.msg === "escalation bus publish failed");
    expect(publishFailures.map((line) => line.requestId)).toEqual(publishFailures.map(() => "escalate-42"));
  });

  it("tags what the single sign-on routes log with the request's id", async () => {
    const response = await fetch(`${app.server.url}/auth/sso/callback?code=c&state=s`, {
      headers: { "x-request-id": "sso-callback-7" },
      redirect: "manual",
    });
    expect(response.headers.get("location")).toBe("/login?sso_error=expired");
    await expect
      .poll(() => linesOf("sso-callback-7").map((line) => line.msg))
      .toEqual(["sso refused", "request"]);
  });

  it("tags a WebSocket connection's lines with its upgrade request's id, and echoes it", async () => {
    const socket = new WebSocket(app.server.wsUrl, {
      headers: { origin: TEST_APP_ORIGIN, "x-request-id": "ws-upgrade-9" },
    });
    const upgraded = new Promise<IncomingMessage>((resolve) => socket.once("upgrade", resolve));
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    expect((await upgraded).headers["x-request-id"]).toBe("ws-upgrade-9");
    socket.close();
    await expect
      .poll(() => linesOf("ws-upgrade-9").map((line) => line.msg))
      .toEqual(["websocket connected", "websocket closed"]);
  });
});
