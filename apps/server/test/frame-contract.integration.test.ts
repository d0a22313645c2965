// The live stream's frames are tRPC's: the same subscription served by tRPC's own WebSocket adapter
// (applyWSSHandler, over the same deps and the same account hub) and by the server's fast path
// (@handoff/live's wire-session.ts) must answer byte for byte the same: started, tracked data with
// their ids, stopped, errors, and the reconnect notice. A tRPC upgrade that changes a frame fails here.
import { AUTH_COOKIE_NAME, appRouter, createContext, formatEventId } from "@handoff/api";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase, type TestAccount } from "@handoff/db/testing";
import { RECONNECT_NOTICE } from "@handoff/live";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { authTokenFromRequest } from "../src/http/cookies.ts";
import {
  createTestClient,
  login,
  startTestServer,
  TEST_APP_ORIGIN,
  type TestServer,
} from "../src/testing/index.ts";

const PATH = "escalation.onEvent";

let database: Database;
let account: TestAccount;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase("pglite");
  account = await createTestAccount(database.prisma);
  server = await startTestServer({ database });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

/** A raw socket that keeps every frame it is sent, as text. */
class FrameRecorder {
  readonly frames: string[] = [];
  readonly socket: WebSocket;
  readonly opened: Promise<unknown>;

  constructor(url: string, token: string | null) {
    this.socket = new WebSocket(url, {
      headers: { origin: TEST_APP_ORIGIN, ...(token ? { cookie: `${AUTH_COOKIE_NAME}=${token}` } : {}) },
    });
    this.socket.on("message", (data) => {
      const text = data.toString();
      if (text !== "PING" && text !== "PONG") this.frames.push(text);
    });
    this.opened = new Promise((resolve) => this.socket.once("open", resolve));
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Waits until `count` frames have come, and returns them. */
  async until(count: number): Promise<string[]> {
    const deadline = Date.now() + 10_000;
    while (this.frames.length < count) {
      if (Date.now() > deadline) throw new Error(`waited for ${count} frames, got ${this.frames.join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.frames.slice(0, count);
  }
}

/** What each transport is sent for the same scenario, frame by frame. */
type TScenarioFrames = { stream: string[]; badInput: string[]; signedOut: string[]; reconnect: string[] };

/**
 * Resumes the stream from `lastEventId` (`events` of them to replay), stops it, asks with a bad
 * input, asks without a login; `reconnect` makes the transport announce a restart.
 */
async function runScenario(options: {
  url: string;
  token: string;
  lastEventId: string;
  events: number;
  reconnect(): Promise<void> | void;
}): Promise<TScenarioFrames> {
  const signedIn = new FrameRecorder(options.url, options.token);
  await signedIn.opened;
  signedIn.send({
    id: 1,
    method: "subscription",
    params: { path: PATH, input: { json: {} }, lastEventId: options.lastEventId },
  });
  await signedIn.until(1 + options.events);
  signedIn.send({ id: 1, method: "subscription.stop" });
  const stream = await signedIn.until(2 + options.events);

  signedIn.send({
    id: 2,
    method: "subscription",
    params: { path: PATH, input: { json: { lastEventId: 7 } } },
  });
  const badInput = (await signedIn.until(3 + options.events)).slice(-1);

  const anonymous = new FrameRecorder(options.url, null);
  await anonymous.opened;
  anonymous.send({ id: "a", method: "subscription", params: { path: PATH, input: { json: {} } } });
  const signedOut = await anonymous.until(1);
  anonymous.socket.close();

  await options.reconnect();
  const reconnect = (await signedIn.until(4 + options.events)).slice(-1);
  signedIn.socket.close();
  return { stream, badInput, signedOut, reconnect };
}

describe("frame contract", () => {
  it("answers a subscription with the very bytes tRPC's own WebSocket adapter sends", async () => {
    const token = await login(server, account.senior.email);
    const engineer = createTestClient(server, { token: await login(server, account.engineer.email) });
    const before = await database.prisma.account.findUniqueOrThrow({ where: { id: account.account.id } });
    await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high", notes: "Frames" });
    await server.deps.jobs.drain();
    const after = await database.prisma.account.findUniqueOrThrow({ where: { id: account.account.id } });
    const events = after.eventSeq - before.eventSeq;
    expect(events).toBeGreaterThan(0);
    const lastEventId = formatEventId({ epoch: before.eventEpoch, seq: before.eventSeq });

    // tRPC's adapter, with the context the server gives its own delegate, over the same deps.
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((resolve) => wss.once("listening", resolve));
    const trpcHandler = applyWSSHandler({
      wss,
      router: appRouter,
      createContext: ({ req }) =>
        createContext(server.deps, {
          authToken: authTokenFromRequest(req),
          clientIp: "127.0.0.1",
          deviceToken: null,
          isLongLived: true,
        }),
    });
    const { port } = wss.address() as { port: number };
    let theirs: TScenarioFrames;
    try {
      theirs = await runScenario({
        url: `ws://127.0.0.1:${port}`,
        token,
        lastEventId,
        events,
        reconnect: () => trpcHandler.broadcastReconnectNotification(),
      });
    } finally {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
    }

    const ours = await runScenario({
      url: server.wsUrl,
      token,
      lastEventId,
      events,
      reconnect: () => void server.close(),
    });

    expect(ours.stream).toEqual(theirs.stream);
    expect(ours.badInput).toEqual(theirs.badInput);
    expect(ours.signedOut).toEqual(theirs.signedOut);
    expect(ours.reconnect).toEqual(theirs.reconnect);
    // What was compared is what the scenario meant to produce.
    expect(JSON.parse(ours.stream[0] as string)).toEqual({ id: 1, result: { type: "started" } });
    expect(JSON.parse(ours.stream[1] as string)).toMatchObject({ id: 1, result: { type: "data" } });
    expect(JSON.parse(ours.stream.at(-1) as string)).toEqual({ id: 1, result: { type: "stopped" } });
    expect(JSON.parse(ours.badInput[0] as string)).toMatchObject({
      id: 2,
      error: { json: { code: -32600 } },
    });
    expect(JSON.parse(ours.signedOut[0] as string)).toMatchObject({
      id: "a",
      error: { json: { data: { code: "UNAUTHORIZED" } } },
    });
    expect(ours.reconnect).toEqual([RECONNECT_NOTICE]);
  });
});
