// A sign-out or a deactivation on one replica closes that login's WebSockets on every replica at
// once (announced on the bus), not at the next login re-check: here the re-check is a minute
// away, and two servers share one bus as two replicas do.
import { once } from "node:events";
import type { TBusMessage } from "@handoff/api";
import { createMemoryBus } from "@handoff/bus";
import { createTestAccount, createTestDatabase, type TestAccount } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createTestClient, login, startTestServer, type TestServer } from "../src/testing/index.ts";

const RECHECK_MS = 60_000;
const bus = createMemoryBus<TBusMessage>();
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let replicaA: TestServer;
let replicaB: TestServer;

beforeAll(async () => {
  database = await createTestDatabase("pglite");
  replicaA = await startTestServer({ database, bus, authRecheckMs: RECHECK_MS });
  replicaB = await startTestServer({ database, bus, authRecheckMs: RECHECK_MS });
});
afterAll(async () => {
  await replicaA?.close();
  await replicaB?.close();
  await bus.close();
  await database?.close();
});

/** A WebSocket to replica B signed in with `token`, as a non-browser client does (connectionParams). */
async function socketOnB(token: string) {
  const socket = new WebSocket(`${replicaB.wsUrl}?connectionParams=1`);
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
  await once(socket, "open");
  socket.send(JSON.stringify({ method: "connectionParams", data: { token } }));
  let nextId = 1;
  return {
    closed,
    /** A query over this socket: "ok" or the tRPC error code. */
    ask(path: string): Promise<string> {
      const id = nextId++;
      return new Promise((resolve) => {
        const onMessage = (raw: Buffer) => {
          if (raw.toString() === "PING") return;
          const frame = JSON.parse(raw.toString()) as {
            id?: number;
            error?: { json?: { data?: { code?: string } } };
          };
          if (frame.id !== id) return;
          socket.off("message", onMessage);
          resolve(frame.error ? (frame.error.json?.data?.code ?? "error") : "ok");
        };
        socket.on("message", onMessage);
        socket.send(JSON.stringify({ id, method: "query", params: { path, input: { json: null } } }));
      });
    },
  };
}

/** Resolves with the close code, or "still open" once `seconds` pass (far under the re-check). */
const closedWithin = (closed: Promise<number>, seconds: number) =>
  Promise.race([
    closed,
    new Promise<string>((resolve) => setTimeout(() => resolve("still open"), seconds * 1000)),
  ]);

describe("ended logins on every replica", () => {
  let account: TestAccount;
  beforeAll(async () => {
    account = await createTestAccount(database.prisma);
  });

  it("a sign-out on replica A closes that login's sockets on replica B at once; a new socket with it is refused, the person's other login carries on", async () => {
    const token = await login(replicaA, account.senior.email);
    const other = await login(replicaA, account.senior.email);
    const socket = await socketOnB(token);
    const otherLogin = await socketOnB(other);
    expect(await socket.ask("auth.me")).toBe("ok");

    await createTestClient(replicaA, { token }).auth.logout();
    expect(await closedWithin(socket.closed, 5)).toBe(1008);
    // Only that login ended: the same person's other login carries on.
    expect(await otherLogin.ask("auth.me")).toBe("ok");
    // A new socket with the ended login is refused at once, not served from a cached login.
    expect(await (await socketOnB(token)).ask("auth.me")).toBe("UNAUTHORIZED");
  });

  it("deactivating a user on replica A closes every socket of every login of theirs on replica B at once", async () => {
    const [first, second] = [
      await login(replicaA, account.engineer.email),
      await login(replicaA, account.engineer.email),
    ];
    const sockets = [await socketOnB(first), await socketOnB(second)];
    for (const socket of sockets) expect(await socket.ask("auth.me")).toBe("ok");

    const admin = createTestClient(replicaA, { token: await login(replicaA, account.admin.email) });
    await admin.user.deactivate({ userId: account.engineer.id });
    for (const socket of sockets) expect(await closedWithin(socket.closed, 5)).toBe(1008);
  });
});
