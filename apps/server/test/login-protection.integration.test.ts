// Failed sign-ins through the real server: an email slows down instead of locking, an address has
// a budget for unknown devices, a device that signed in before is never refused, guesses sent at
// once (in parallel, in a batch, over a WebSocket) are counted as if sent one after another, and
// replicas on one Redis share the counters.
import { randomInt } from "node:crypto";
import { type AppRouter, MAX_BATCH_CALLS } from "@handoff/api";
import { isTestRedisReachable, testRedisUrl } from "@handoff/bus/testing";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase, hashSlowToCheck, TEST_PASSWORD } from "@handoff/db/testing";
import { createTRPCClient, createWSClient, httpBatchLink, type TRPCClientError, wsLink } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { loadConfig, type TAppConfig } from "../src/config.ts";
import { type StartTestServerOptions, startTestServer, type TestServer } from "../src/testing/index.ts";

const hasRedis = await isTestRedisReachable();
const DEVICE_SECRET = "login-protection-test-device-secret";

let database: Database;
const servers: TestServer[] = [];

beforeAll(async () => {
  database = await createTestDatabase("pglite");
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await database?.close();
});

async function serverWith(
  protection: Partial<TAppConfig["loginProtection"]>,
  options: Partial<StartTestServerOptions> = {},
) {
  const defaults = loadConfig({}).loginProtection;
  const server = await startTestServer({
    database,
    ...options,
    loginProtection: { ...defaults, deviceSecret: DEVICE_SECRET, ...protection },
  });
  servers.push(server);
  return server;
}

type TAttempt = { status: number; message: string | null; deviceCookie: string | null };

/** `from`: the client address, for servers behind a trusted proxy (isProxyTrusted). */
type TAttemptOptions = { deviceCookie?: string | null; from?: string };

async function attemptLogin(
  server: TestServer,
  email: string,
  password: string,
  { deviceCookie = null, from }: TAttemptOptions = {},
): Promise<TAttempt> {
  const response = await fetch(`${server.url}/trpc/auth.login`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(deviceCookie ? { cookie: deviceCookie } : {}),
      ...(from ? { "x-forwarded-for": from } : {}),
    },
    body: JSON.stringify({ json: { email, password } }),
  });
  const body = (await response.json()) as { error?: { json: { message: string } } };
  const setDevice = response.headers.getSetCookie().find((cookie) => cookie.startsWith("handoff_device="));
  return {
    status: response.status,
    message: body.error?.json.message ?? null,
    deviceCookie: setDevice?.split(";")[0] ?? null,
  };
}

async function statusesOf(attempts: (() => Promise<TAttempt>)[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const attempt of attempts) statuses.push((await attempt()).status);
  return statuses;
}

async function statusesInParallel(attempts: (() => Promise<TAttempt>)[]): Promise<number[]> {
  return (await Promise.all(attempts.map((attempt) => attempt()))).map(({ status }) => status);
}

const repeat = <T>(times: number, make: (index: number) => T): T[] =>
  Array.from({ length: times }, (_, i) => make(i));

const countOf = (statuses: number[], status: number) => statuses.filter((each) => each === status).length;

/**
 * The most passwords that guesses at one email sent one after another could have checked within
 * `seconds`: the free failures, then one after each doubling wait (1 s, 2 s, 4 s…).
 */
const sequentialChecksWithin = (freeFailures: number, seconds: number) =>
  freeFailures + Math.floor(Math.log2(seconds + 1));

/** Sends all `attempts` at once; resolves with their statuses and how long they took, in seconds. */
async function burstOf(attempts: (() => Promise<TAttempt>)[]) {
  const startedAt = performance.now();
  const statuses = await statusesInParallel(attempts);
  return { statuses, seconds: (performance.now() - startedAt) / 1000 };
}

/** A user whose password takes about a second to check: all guesses arrive while the first are checked. */
async function slowToCheck(user: { id: string }) {
  const passwordHash = await hashSlowToCheck(TEST_PASSWORD);
  await database.prisma.user.update({ where: { id: user.id }, data: { passwordHash } });
}

/** An address no other test (or earlier run sharing the Redis) has failed from. */
const freshAddress = () => `2001:db8::${randomInt(0xffff).toString(16)}:${randomInt(0xffff).toString(16)}`;

/** How each call ended: its error's code and message, or "ok". */
async function outcomesOf(calls: Promise<unknown>[]) {
  return (await Promise.allSettled(calls)).map((settled) => {
    if (settled.status === "fulfilled") return "ok";
    const error = settled.reason as TRPCClientError<AppRouter>;
    return { code: error.data?.code, message: error.message };
  });
}

/** @trpc/client batching every call of one moment into one HTTP request, with no size limit of its own. */
const batchingClient = (server: TestServer) =>
  createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${server.url}/trpc`, transformer: superjson })],
  });

const LOGIN_IN_BATCH = {
  code: "BAD_REQUEST",
  message: "auth.login must be sent on its own, not in a batch with other calls.",
};

describe("login protection", () => {
  it("slows an email down after its free failures, and lets the right password in after the wait", async () => {
    const server = await serverWith({ freeFailures: 3 });
    const { admin } = await createTestAccount(database.prisma);

    // Three free failures, then one attempt per doubling delay.
    const failures = await statusesOf(repeat(3, () => () => attemptLogin(server, admin.email, "wrong")));
    expect(failures).toEqual([401, 401, 401]);
    const tooSoon = await attemptLogin(server, admin.email, TEST_PASSWORD);
    expect(tooSoon).toMatchObject({
      status: 429,
      message: "Too many failed sign-ins for this account. Try again in 1 second.",
    });

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await attemptLogin(server, admin.email, TEST_PASSWORD)).status).toBe(200);
    // Success forgets the failures: the next mistake is free again.
    expect((await attemptLogin(server, admin.email, "wrong")).status).toBe(401);
    expect((await attemptLogin(server, admin.email, TEST_PASSWORD)).status).toBe(200);
  });

  it("counts failures only: signing in many times never uses up an email or an address", async () => {
    const server = await serverWith({ freeFailures: 1, addressFailures: 2 });
    const account = await createTestAccount(database.prisma);
    const statuses = await statusesOf(
      repeat(
        12,
        (index) => () =>
          attemptLogin(server, account.users[index % account.users.length]?.email ?? "", TEST_PASSWORD),
      ),
    );
    expect(statuses).toEqual(repeat(12, () => 200));
  });

  it("throttles a spray over 100 emails from one address well before its end, never a known device", {
    timeout: 120_000,
  }, async () => {
    const server = await serverWith({});
    const budget = loadConfig({}).loginProtection.addressFailures;
    expect(budget).toBeLessThan(100);
    const { senior, engineer } = await createTestAccount(database.prisma);
    const { deviceCookie } = await attemptLogin(server, senior.email, TEST_PASSWORD);

    // All at once, while the senior signs in from their own device.
    const [spray, fromDevice] = await Promise.all([
      statusesInParallel(
        repeat(100, (index) => () => attemptLogin(server, `nobody${index}@spray.test`, "Summer2026!")),
      ),
      attemptLogin(server, senior.email, TEST_PASSWORD, { deviceCookie }),
    ]);
    expect(countOf(spray, 401)).toBe(budget);
    expect(countOf(spray, 429)).toBe(100 - budget);
    expect(fromDevice.status).toBe(200);

    // An unknown device behind that address waits for the window to end; the known device never does.
    expect(await attemptLogin(server, engineer.email, TEST_PASSWORD)).toMatchObject({
      status: 429,
      message: expect.stringMatching(
        /^Too many failed sign-ins for your network\. Try again in \d+ minutes\.$/,
      ),
    });
    expect((await attemptLogin(server, senior.email, TEST_PASSWORD, { deviceCookie })).status).toBe(200);
  });

  it("checks no more passwords for parallel guesses at one email than for guesses one after another", {
    timeout: 120_000,
  }, async () => {
    const server = await serverWith({ freeFailures: 3, maxDelayMs: 60_000 });
    const { admin } = await createTestAccount(database.prisma);
    await slowToCheck(admin);

    const { statuses, seconds } = await burstOf(
      repeat(40, (index) => () => attemptLogin(server, admin.email, `guess-${index}`)),
    );
    expect(countOf(statuses, 401)).toBeGreaterThanOrEqual(3);
    expect(countOf(statuses, 401)).toBeLessThanOrEqual(sequentialChecksWithin(3, seconds));
    expect(countOf(statuses, 429)).toBe(40 - countOf(statuses, 401));
  });

  it("refuses a batch carrying sign-ins as a whole, checking no password in it", async () => {
    const server = await serverWith({ freeFailures: 3 });
    const { admin } = await createTestAccount(database.prisma);
    const client = batchingClient(server);

    for (const size of [100, 2]) {
      const outcomes = await outcomesOf(
        repeat(size, (index) =>
          client.auth.login.mutate({
            email: admin.email,
            password: index === size - 1 ? TEST_PASSWORD : `guess-${index}`,
          }),
        ),
      );
      expect(outcomes).toEqual(repeat(size, () => LOGIN_IN_BATCH));
    }
    // None was counted: the right password gets in at once. A batch of one is a single call.
    expect(await outcomesOf([client.auth.login.mutate({ email: admin.email, password: "guess" })])).toEqual([
      { code: "UNAUTHORIZED", message: "That email and password don't match an active account." },
    ]);
    expect((await attemptLogin(server, admin.email, TEST_PASSWORD)).status).toBe(200);
  });

  it("refuses sign-ins batched in one WebSocket message, and runs one sent alone", async () => {
    const server = await serverWith({ freeFailures: 3 });
    const { admin } = await createTestAccount(database.prisma);
    const wsClient = createWSClient({
      url: server.wsUrl,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    const client = createTRPCClient<AppRouter>({
      links: [wsLink({ client: wsClient, transformer: superjson })],
    });
    try {
      // wsLink sends the calls of one moment as one message.
      const batched = await outcomesOf(
        repeat(3, (index) =>
          client.auth.login.mutate({ email: admin.email, password: index === 2 ? TEST_PASSWORD : "guess" }),
        ),
      );
      expect(batched).toEqual(repeat(3, () => LOGIN_IN_BATCH));
      expect(await outcomesOf([client.auth.login.mutate({ email: admin.email, password: "guess" })])).toEqual(
        [{ code: "UNAUTHORIZED", message: "That email and password don't match an active account." }],
      );
    } finally {
      await wsClient.close();
    }
  });

  it(`refuses an HTTP batch of more than ${MAX_BATCH_CALLS} calls before running any`, async () => {
    const server = await serverWith({});
    const client = batchingClient(server);
    const signedOut = { code: "UNAUTHORIZED", message: "Your session has ended. Please sign in again." };
    expect(await outcomesOf(repeat(MAX_BATCH_CALLS, () => client.account.get.query()))).toEqual(
      repeat(MAX_BATCH_CALLS, () => signedOut),
    );
    expect(await outcomesOf(repeat(MAX_BATCH_CALLS + 1, () => client.account.get.query()))).toEqual(
      repeat(MAX_BATCH_CALLS + 1, () => ({
        code: "BAD_REQUEST",
        message: `A batch may hold at most ${MAX_BATCH_CALLS} calls; this one holds ${MAX_BATCH_CALLS + 1}. Send fewer at once.`,
      })),
    );
  });

  it("refuses unknown devices from an address past its budget, never a device that signed in before", async () => {
    const server = await serverWith({ addressFailures: 20 });
    const { senior, engineer } = await createTestAccount(database.prisma);
    const { deviceCookie } = await attemptLogin(server, senior.email, TEST_PASSWORD);
    expect(deviceCookie).toMatch(/^handoff_device=.+/);

    await statusesOf(
      repeat(20, (index) => () => attemptLogin(server, `nobody${index}@budget.test`, "guess")),
    );
    expect(await attemptLogin(server, engineer.email, TEST_PASSWORD)).toMatchObject({
      status: 429,
      message: expect.stringMatching(
        /^Too many failed sign-ins for your network\. Try again in \d+ minutes\.$/,
      ),
    });
    // A device token signed for another email is worth nothing.
    expect((await attemptLogin(server, engineer.email, TEST_PASSWORD, { deviceCookie })).status).toBe(429);
    expect((await attemptLogin(server, senior.email, TEST_PASSWORD, { deviceCookie })).status).toBe(200);
  });

  it("lets a targeted user sign in from their own device while a guesser is slowed down", async () => {
    const server = await serverWith({ freeFailures: 3, maxDelayMs: 60_000 });
    const { senior } = await createTestAccount(database.prisma);
    const { deviceCookie } = await attemptLogin(server, senior.email, TEST_PASSWORD);

    const guesses = await statusesOf(repeat(5, () => () => attemptLogin(server, senior.email, "guess")));
    expect(guesses).toEqual([401, 401, 401, 429, 429]);
    expect((await attemptLogin(server, senior.email, TEST_PASSWORD, { deviceCookie })).status).toBe(200);
  });

  it("gives a stolen device token no more than the free failures", async () => {
    const server = await serverWith({ freeFailures: 3 });
    const { senior } = await createTestAccount(database.prisma);
    const { deviceCookie } = await attemptLogin(server, senior.email, TEST_PASSWORD);
    const withToken = await statusesOf(
      repeat(6, () => () => attemptLogin(server, senior.email, "guess", { deviceCookie })),
    );
    // Three failures on the device, then it is an unknown device: three free failures on the email, then waits.
    expect(withToken).toEqual([401, 401, 401, 401, 401, 401]);
    expect((await attemptLogin(server, senior.email, TEST_PASSWORD, { deviceCookie })).status).toBe(429);
  });

  describe.runIf(hasRedis)("with Redis", () => {
    /** Two replicas on one Redis, behind a trusted proxy: each test fails from an address of its own. */
    async function replicasWith(protection: Partial<TAppConfig["loginProtection"]>) {
      const options = { redisUrl: testRedisUrl, isProxyTrusted: true };
      const replicas = [await serverWith(protection, options), await serverWith(protection, options)];
      return { replicas: replicas as [TestServer, TestServer], from: freshAddress() };
    }

    it("shares the counters between replicas", async () => {
      const { replicas, from } = await replicasWith({ freeFailures: 3, maxDelayMs: 60_000 });
      const [replicaA, replicaB] = replicas;
      const { admin } = await createTestAccount(database.prisma);

      // Three free failures spread over both replicas; the wait the last one started holds on both.
      const failures = await statusesOf([
        () => attemptLogin(replicaA, admin.email, "wrong", { from }),
        () => attemptLogin(replicaB, admin.email, "wrong", { from }),
        () => attemptLogin(replicaA, admin.email, "wrong", { from }),
      ]);
      expect(failures).toEqual([401, 401, 401]);
      expect((await attemptLogin(replicaB, admin.email, TEST_PASSWORD, { from })).status).toBe(429);
      expect((await attemptLogin(replicaA, admin.email, TEST_PASSWORD, { from })).status).toBe(429);
    });

    it("shares the reservations: parallel guesses over both replicas get no more checks than on one", {
      timeout: 120_000,
    }, async () => {
      const { replicas, from } = await replicasWith({
        freeFailures: 3,
        maxDelayMs: 60_000,
        addressFailures: 20,
      });
      const { admin } = await createTestAccount(database.prisma);
      await slowToCheck(admin);
      const replicaOf = (index: number) => replicas[index % 2] as TestServer;

      const { statuses: guesses, seconds } = await burstOf(
        repeat(40, (index) => () => attemptLogin(replicaOf(index), admin.email, `guess-${index}`, { from })),
      );
      const checked = countOf(guesses, 401);
      expect(checked).toBeGreaterThanOrEqual(3);
      expect(checked).toBeLessThanOrEqual(sequentialChecksWithin(3, seconds));

      // The address's budget too: what the guesses left of it, over emails nobody has tried before.
      const run = randomInt(1e9);
      const spray = await statusesInParallel(
        repeat(
          40,
          (index) => () =>
            attemptLogin(replicaOf(index), `nobody${run}-${index}@spray.test`, "guess", { from }),
        ),
      );
      expect(countOf(spray, 401)).toBe(20 - checked);
      expect(countOf(spray, 429)).toBe(20 + checked);
    });
  });
});
