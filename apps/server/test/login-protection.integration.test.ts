// Failed sign-ins through the real server: an email slows down instead of locking, an address has
// a much larger budget, a device that signed in before is never refused, and replicas on one
// Redis share the counters.
import { isTestRedisReachable, testRedisUrl } from "@handoff/bus/testing";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase, TEST_PASSWORD } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

async function attemptLogin(
  server: TestServer,
  email: string,
  password: string,
  deviceCookie: string | null = null,
): Promise<TAttempt> {
  const response = await fetch(`${server.url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(deviceCookie ? { cookie: deviceCookie } : {}) },
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

const repeat = <T>(times: number, make: (index: number) => T): T[] =>
  Array.from({ length: times }, (_, i) => make(i));

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

  it("does not refuse a correct password after a spray of 100 failures from the same address", {
    timeout: 120_000,
  }, async () => {
    const server = await serverWith({});
    const { senior } = await createTestAccount(database.prisma);
    // Ten at a time, as a sprayer would.
    const spray = (
      await Promise.all(
        repeat(10, (batch) =>
          statusesOf(
            repeat(
              10,
              (index) => () => attemptLogin(server, `nobody${batch}-${index}@spray.test`, "Summer2026!"),
            ),
          ),
        ),
      )
    ).flat();
    expect(spray).toEqual(repeat(100, () => 401));
    expect((await attemptLogin(server, senior.email, TEST_PASSWORD)).status).toBe(200);
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
    expect((await attemptLogin(server, engineer.email, TEST_PASSWORD, deviceCookie)).status).toBe(429);
    expect((await attemptLogin(server, senior.email, TEST_PASSWORD, deviceCookie)).status).toBe(200);
  });

  it("lets a targeted user sign in from their own device while a guesser is slowed down", async () => {
    const server = await serverWith({ freeFailures: 3, maxDelayMs: 60_000 });
    const { senior } = await createTestAccount(database.prisma);
    const { deviceCookie } = await attemptLogin(server, senior.email, TEST_PASSWORD);

    const guesses = await statusesOf(repeat(5, () => () => attemptLogin(server, senior.email, "guess")));
    expect(guesses).toEqual([401, 401, 401, 429, 429]);
    expect((await attemptLogin(server, senior.email, TEST_PASSWORD, deviceCookie)).status).toBe(200);
  });

  it("gives a stolen device token no more than the free failures", async () => {
    const server = await serverWith({ freeFailures: 3 });
    const { senior } = await createTestAccount(database.prisma);
    const { deviceCookie } = await attemptLogin(server, senior.email, TEST_PASSWORD);
    const withToken = await statusesOf(
      repeat(6, () => () => attemptLogin(server, senior.email, "guess", deviceCookie)),
    );
    // Three failures on the device, then it is an unknown device: three free failures on the email, then waits.
    expect(withToken).toEqual([401, 401, 401, 401, 401, 401]);
    expect((await attemptLogin(server, senior.email, TEST_PASSWORD, deviceCookie)).status).toBe(429);
  });

  describe.runIf(hasRedis)("with Redis", () => {
    it("shares the counters between replicas", async () => {
      const protection = { freeFailures: 3, maxDelayMs: 60_000 };
      const [replicaA, replicaB] = [
        await serverWith(protection, { redisUrl: testRedisUrl }),
        await serverWith(protection, { redisUrl: testRedisUrl }),
      ] as [TestServer, TestServer];
      const { admin } = await createTestAccount(database.prisma);

      // Three free failures spread over both replicas; the wait the last one started holds on both.
      const failures = await statusesOf([
        () => attemptLogin(replicaA, admin.email, "wrong"),
        () => attemptLogin(replicaB, admin.email, "wrong"),
        () => attemptLogin(replicaA, admin.email, "wrong"),
      ]);
      expect(failures).toEqual([401, 401, 401]);
      expect((await attemptLogin(replicaB, admin.email, TEST_PASSWORD)).status).toBe(429);
      expect((await attemptLogin(replicaA, admin.email, TEST_PASSWORD)).status).toBe(429);
    });
  });
});
