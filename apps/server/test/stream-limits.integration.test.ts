// Limits that keep one client from taking the server down: live streams per socket and per login,
// WebSocket connections per address, and a deadline for a socket to carry a valid login.
import type { TEscalationEvent } from "@handoff/api";
import { AUTH_COOKIE_NAME } from "@handoff/api";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase, type TestAccount } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import {
  createTestClient,
  login,
  type StartTestServerOptions,
  startTestServer,
  TEST_APP_ORIGIN,
  type TestServer,
} from "../src/testing/index.ts";
import { collectEvents } from "./support/event-collector.ts";

let database: Database;
let account: TestAccount;

beforeAll(async () => {
  database = await createTestDatabase("pglite");
  account = await createTestAccount(database.prisma);
});
afterAll(async () => {
  await database?.close();
});

async function withServer(
  overrides: Partial<StartTestServerOptions>,
  run: (server: TestServer) => Promise<void>,
) {
  const server = await startTestServer({ database, ...overrides });
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

function openSocket(server: TestServer, token?: string) {
  return new WebSocket(server.wsUrl, {
    headers: { origin: TEST_APP_ORIGIN, ...(token ? { cookie: `${AUTH_COOKIE_NAME}=${token}` } : {}) },
  });
}

describe("stream limits", () => {
  it("refuses one socket's streams past its cap, closes it if it keeps asking, and the server keeps answering", async () => {
    await withServer({}, async (server) => {
      const bystander = createTestClient(server, { token: await login(server, account.engineer.email) });
      // A raw socket, so 10,000 requests cost this process next to nothing: what slows is the server.
      const greedy = openSocket(server, await login(server, account.senior.email));
      const refusals: Array<{ code: string; message: string }> = [];
      greedy.on("message", (data) => {
        const { error } = JSON.parse(data.toString());
        if (error) refusals.push({ code: error.json.data.code, message: error.json.message });
      });
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        greedy.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      await new Promise((resolve) => greedy.once("open", resolve));
      for (let id = 1; id <= 10_000; id += 1) {
        greedy.send(
          JSON.stringify({
            id,
            method: "subscription",
            params: { path: "escalation.onEvent", input: { json: {} } },
          }),
        );
      }
      const meLatencies: number[] = [];
      let isClosed = false;
      void closed.then(() => {
        isClosed = true;
      });
      while (!isClosed) {
        const startedAt = performance.now();
        await bystander.auth.me();
        meLatencies.push(performance.now() - startedAt);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }

      const cap = server.config.streamLimits.perSocket;
      expect(await closed).toEqual({ code: 1008, reason: "Too many stream requests" });
      expect(refusals.length).toBeGreaterThan(0);
      expect(refusals[0]).toEqual({
        code: "TOO_MANY_REQUESTS",
        message: `This connection already has ${cap} live streams, the most it may have. Close one first.`,
      });
      await vi.waitFor(() => expect(server.deps.live.streams.stats().readers).toBe(0), { timeout: 10_000 });
      // Generous on a shared machine: `pnpm bench` prints the real figure.
      expect(Math.max(...meLatencies)).toBeLessThan(1_000);
    });
    // Ten thousand messages take a few seconds on an idle 2-core machine, far longer on a busy one.
  }, 90_000);

  it("refuses a login's streams past its cap, across sockets, and frees a slot when one ends", async () => {
    await withServer({ streamLimits: { perSocket: 4, perLogin: 3 } }, async (server) => {
      const token = await login(server, account.senior.email);
      const [first, second] = [createTestClient(server, { token }), createTestClient(server, { token })];
      const streams = [first, first, second].map((client) => {
        const events = collectEvents<TEscalationEvent>();
        return { events, subscription: client.escalation.onEvent.subscribe({}, events) };
      });
      await vi.waitFor(() => expect(server.deps.live.streams.stats().readers).toBe(3));
      const refused = collectEvents<TEscalationEvent>();
      second.escalation.onEvent.subscribe({}, refused);
      expect(await refused.waitForError()).toMatchObject({
        data: { code: "TOO_MANY_REQUESTS" },
        message: expect.stringContaining("the most one login may have"),
      });

      streams[0]?.subscription.unsubscribe();
      await vi.waitFor(() => expect(server.deps.live.streams.stats().readers).toBe(2));
      const admitted = collectEvents<TEscalationEvent>();
      second.escalation.onEvent.subscribe({}, admitted);
      await vi.waitFor(() => expect(server.deps.live.streams.stats().readers).toBe(3));
      expect(admitted.errors).toHaveLength(0);
    });
  });

  it("refuses WebSocket connections from one address past its cap", async () => {
    await withServer({ wsMaxPerAddress: 2 }, async (server) => {
      const token = await login(server, account.senior.email);
      const open = [openSocket(server, token), openSocket(server, token)];
      await Promise.all(open.map((socket) => new Promise((resolve) => socket.once("open", resolve))));
      const third = openSocket(server, token);
      const status = await new Promise<number | undefined>((resolve) =>
        third.once("unexpected-response", (_request, response) => resolve(response.statusCode)),
      );
      expect(status).toBe(429);

      open[0]?.close();
      await vi.waitFor(async () => {
        const retry = openSocket(server, token);
        await new Promise((resolve, reject) => {
          retry.once("open", resolve);
          retry.once("unexpected-response", () => reject(new Error("still refused")));
        });
        retry.close();
      });
      open[1]?.close();
    });
  });

  it("closes a socket that carries no valid login within WS_AUTH_TIMEOUT, and keeps a signed-in one", async () => {
    await withServer({ wsAuthTimeoutMs: 300 }, async (server) => {
      const token = await login(server, account.senior.email);
      const anonymous = openSocket(server);
      const signedIn = openSocket(server, token);
      const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
        anonymous.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      expect(closed).toEqual({ code: 1008, reason: "Sign in first" });
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(signedIn.readyState).toBe(WebSocket.OPEN);
      signedIn.close();
    });
  });
});
