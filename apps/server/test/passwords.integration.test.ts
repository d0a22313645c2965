// Passwords through the real server: changing one (the current password required, every other
// login ended) and resetting a forgotten one by email, through the real mail path (the Resend SDK
// against a stand-in). A reset link works once, for 30 minutes, and only the latest one; asking
// answers the same for every email; asking is throttled per email and per address.
import { createHash, randomBytes } from "node:crypto";
import { createManualClock } from "@handoff/api";
import { isTestRedisReachable, testRedisUrl } from "@handoff/bus/testing";
import type { Database } from "@handoff/db";
import {
  createTestAccount,
  createTestDatabase,
  type TestAccount,
  testDatabaseTargets,
} from "@handoff/db/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createTestClient,
  login,
  startTestServer,
  TEST_APP_ORIGIN,
  type TestServer,
} from "../src/testing/index.ts";
import { useResendStandIn } from "./support/use-resend-stand-in.ts";

const hasRedis = await isTestRedisReachable();
const RECHECK_MS = 400;
const NEW_PASSWORD = "a new long passphrase";
const SAME_ANSWER = { ok: true };

let database: Database;
const resend = useResendStandIn();
let server: TestServer;

beforeEach(() => {
  resend.respondWith(200);
});

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "OK",
    (error: { data?: { code?: string } }) => error.data?.code,
  );

const messageOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "OK",
    (error: Error) => error.message,
  );

/** auth.me over plain HTTP with the session cookie, as a browser asks: its status. */
async function meStatus(target: TestServer, token: string): Promise<number> {
  const response = await fetch(`${target.url}/trpc/auth.me`, {
    headers: { cookie: `handoff_session=${encodeURIComponent(token)}` },
  });
  return response.status;
}

/** Calls password.requestReset over plain HTTP: the raw status and body, to compare answers byte for byte. */
async function requestResetRaw(target: TestServer, email: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${target.url}/trpc/password.requestReset`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: { email } }),
  });
  return { status: response.status, body: await response.text() };
}

function emailsTo(email: string) {
  return resend.delivered().filter((message) => message.to.includes(email));
}

/** Waits for the `count`th reset email to `email` and returns the token of its link. */
async function resetTokenFromEmail(email: string, count = 1): Promise<string> {
  const message = await vi.waitFor(
    async () => {
      await server.deps.jobs.drain();
      const sent = emailsTo(email);
      expect(sent).toHaveLength(count);
      return sent[count - 1];
    },
    { timeout: 10_000, interval: 50 },
  );
  expect(message?.subject).toBe("Reset your Handoff password");
  const link = message?.text.match(/^http\S+\/reset-password#token=\S+$/m)?.[0] ?? "";
  expect(link.startsWith(`${TEST_APP_ORIGIN}/reset-password#token=`)).toBe(true);
  expect(message?.html).toContain(`href="${link}"`);
  return new URL(link).hash.slice("#token=".length);
}

const anonymous = () => createTestClient(server);

/** The audit rows of a user's own password changes: who, which kind, from where. */
async function passwordAuditsOf(userId: string) {
  const rows = await database.prisma.auditEvent.findMany({
    where: { actorId: userId, action: { startsWith: "password." } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map(({ action, ip, accountId }) => ({ action, ip, accountId }));
}

describe.each(await testDatabaseTargets())("on %s", (target) => {
  beforeAll(async () => {
    database = await createTestDatabase(target);
    server = await startTestServer({
      database,
      resend: { baseUrl: resend.baseUrl, retry: { attempts: 3 } },
      authRecheckMs: RECHECK_MS,
      // This file's many requests all come from 127.0.0.1; the address budget has its own test below.
      passwordReset: { perEmail: 3, perAddress: 1_000, windowMs: 60_000 },
    });
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  describe("password.change", () => {
    let account: TestAccount;
    beforeAll(async () => {
      account = await createTestAccount(database.prisma);
    });

    it("refuses a wrong current password and a new one that breaks the rules, and changes nothing", async () => {
      const token = await login(server, account.engineer.email);
      const client = createTestClient(server, { token });
      const before = await database.prisma.user.findUniqueOrThrow({ where: { id: account.engineer.id } });

      const wrong = client.password.change({ currentPassword: "not it", newPassword: NEW_PASSWORD });
      await expect(wrong).rejects.toMatchObject({
        message: "That is not your current password.",
        data: { code: "BAD_REQUEST" },
      });
      const tooShort = client.password.change({ currentPassword: "demo", newPassword: "short" });
      await expect(tooShort).rejects.toMatchObject({
        data: {
          code: "BAD_REQUEST",
          zodError: { fieldErrors: { newPassword: ["Choose a password of at least 10 characters"] } },
        },
      });
      const same = client.password.change({ currentPassword: "demo long one", newPassword: "demo long one" });
      expect(await messageOf(same)).toContain("Choose a new password, not your current one");

      const after = await database.prisma.user.findUniqueOrThrow({ where: { id: account.engineer.id } });
      expect(after.passwordHash).toBe(before.passwordHash);
      expect(await passwordAuditsOf(account.engineer.id)).toEqual([]);
      expect(await meStatus(server, token)).toBe(200);
      await expect(login(server, account.engineer.email)).resolves.toBeTruthy();
    });

    it("sets the new password and ends the user's other logins, over HTTP at once and over WebSocket within the re-check; this one stays", async () => {
      const user = account.senior;
      const [thisLogin, otherLogin, otherUsersLogin] = await Promise.all([
        login(server, user.email),
        login(server, user.email),
        login(server, account.engineer.email),
      ]);
      const client = createTestClient(server, { token: thisLogin });
      const otherSocket = createTestClient(server, { token: otherLogin });
      expect((await otherSocket.auth.me()).id).toBe(user.id);

      expect(await client.password.change({ currentPassword: "demo", newPassword: NEW_PASSWORD })).toEqual({
        endedLogins: 1,
      });

      expect(await meStatus(server, otherLogin)).toBe(401);
      await vi.waitFor(async () => expect(await codeOf(otherSocket.auth.me())).toBe("UNAUTHORIZED"), {
        timeout: RECHECK_MS * 10,
      });
      expect(await meStatus(server, thisLogin)).toBe(200);
      expect((await client.auth.me()).id).toBe(user.id);
      expect(await meStatus(server, otherUsersLogin)).toBe(200);

      expect(await codeOf(login(server, user.email, "demo"))).toBe("UNAUTHORIZED");
      await expect(login(server, user.email, NEW_PASSWORD)).resolves.toBeTruthy();
      expect(await passwordAuditsOf(user.id)).toEqual([
        { action: "password.changed", ip: "127.0.0.1", accountId: account.account.id },
      ]);
    });

    it("withdraws the user's open reset links", async () => {
      const user = account.viewer;
      await anonymous().password.requestReset({ email: user.email });
      const resetToken = await resetTokenFromEmail(user.email);
      const client = createTestClient(server, { token: await login(server, user.email) });
      await client.password.change({ currentPassword: "demo", newPassword: NEW_PASSWORD });
      expect(
        await codeOf(anonymous().password.reset({ token: resetToken, password: "yet another one" })),
      ).toBe("NOT_FOUND");
    });

    it("asks for a login", async () => {
      expect(
        await codeOf(anonymous().password.change({ currentPassword: "demo", newPassword: NEW_PASSWORD })),
      ).toBe("UNAUTHORIZED");
    });
  });

  describe("password reset by email", () => {
    it("emails a one-time link (only its hash stored) that sets the new password and ends every login of the user", async () => {
      const account = await createTestAccount(database.prisma);
      const user = account.engineer;
      const logins = await Promise.all([login(server, user.email), login(server, user.email)]);

      expect(await anonymous().password.requestReset({ email: user.email.toUpperCase() })).toEqual(
        SAME_ANSWER,
      );
      const token = await resetTokenFromEmail(user.email);
      expect(Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(32);

      const [stored] = await database.prisma.passwordReset.findMany({ where: { userId: user.id } });
      expect(stored?.tokenHash).toBe(createHash("sha256").update(`password-reset:${token}`).digest("hex"));
      const expiresInMs = (stored?.expiresAt.getTime() ?? 0) - (stored?.createdAt.getTime() ?? 0);
      expect(Math.round(expiresInMs / 60_000)).toBe(30);
      // Once the email is out, the token is nowhere on the server: not in the link's row, not in the job.
      const jobs = await database.prisma.job.findMany({ where: { kind: "password-reset.send" } });
      expect(JSON.stringify([stored, jobs])).not.toContain(token);

      expect(await anonymous().password.reset({ token, password: NEW_PASSWORD })).toEqual({
        email: user.email,
      });
      expect(await passwordAuditsOf(user.id)).toEqual([
        { action: "password.reset", ip: "127.0.0.1", accountId: account.account.id },
      ]);
      for (const ended of logins) expect(await meStatus(server, ended)).toBe(401);
      expect(await database.prisma.authSession.count({ where: { userId: user.id } })).toBe(0);
      expect(await codeOf(login(server, user.email, "demo"))).toBe("UNAUTHORIZED");
      await expect(login(server, user.email, NEW_PASSWORD)).resolves.toBeTruthy();

      // Used once: a second use is refused and changes nothing.
      const reused = anonymous().password.reset({ token, password: "someone else's choice" });
      await expect(reused).rejects.toMatchObject({
        data: { code: "NOT_FOUND" },
        message: expect.stringContaining("no longer valid"),
      });
      await expect(login(server, user.email, NEW_PASSWORD)).resolves.toBeTruthy();
    });

    it("keeps only the latest link open", async () => {
      const account = await createTestAccount(database.prisma);
      const user = account.senior;
      await anonymous().password.requestReset({ email: user.email });
      const first = await resetTokenFromEmail(user.email, 1);
      await anonymous().password.requestReset({ email: user.email });
      const second = await resetTokenFromEmail(user.email, 2);

      expect(await codeOf(anonymous().password.reset({ token: first, password: NEW_PASSWORD }))).toBe(
        "NOT_FOUND",
      );
      expect(await anonymous().password.reset({ token: second, password: NEW_PASSWORD })).toEqual({
        email: user.email,
      });
    });

    it("refuses a new password that breaks the rules, and keeps the link for a better one", async () => {
      const account = await createTestAccount(database.prisma);
      const user = account.engineer;
      await anonymous().password.requestReset({ email: user.email });
      const token = await resetTokenFromEmail(user.email);
      await expect(anonymous().password.reset({ token, password: "short" })).rejects.toMatchObject({
        data: {
          code: "BAD_REQUEST",
          zodError: { fieldErrors: { password: [expect.stringContaining("10")] } },
        },
      });
      await expect(login(server, user.email, "demo")).resolves.toBeTruthy();
      expect(await anonymous().password.reset({ token, password: NEW_PASSWORD })).toEqual({
        email: user.email,
      });
    });

    it("answers an unknown, a deactivated and a deleted user's email exactly as a real one, and emails none of them", async () => {
      const account = await createTestAccount(database.prisma);
      await database.prisma.user.update({ where: { id: account.viewer.id }, data: { active: false } });
      await database.prisma.user.update({
        where: { id: account.senior.id },
        data: { deletedAt: new Date() },
      });

      const known = await requestResetRaw(server, account.engineer.email);
      const others = await Promise.all(
        ["nobody.here@example.test", account.viewer.email, account.senior.email].map((email) =>
          requestResetRaw(server, email),
        ),
      );
      expect(known.status).toBe(200);
      for (const other of others) expect(other).toEqual(known);

      await resetTokenFromEmail(account.engineer.email);
      await server.deps.jobs.drain();
      expect(emailsTo("nobody.here@example.test")).toEqual([]);
      expect(emailsTo(account.viewer.email)).toEqual([]);
      expect(emailsTo(account.senior.email)).toEqual([]);
      const links = await database.prisma.passwordReset.findMany({
        where: { userId: { in: [account.viewer.id, account.senior.id] } },
      });
      expect(links).toEqual([]);
    });

    it("answers the request even while Resend fails, and delivers the email once it is back", async () => {
      const account = await createTestAccount(database.prisma);
      const email = account.engineer.email;
      // Retry-After holds the second try back long enough for the test to bring Resend back.
      resend.respondWith(503, { retryAfter: "2" });
      expect(await anonymous().password.requestReset({ email })).toEqual(SAME_ANSWER);
      await vi.waitFor(
        () => expect(resend.received.some((message) => message.to.includes(email))).toBe(true),
        {
          timeout: 10_000,
        },
      );
      resend.respondWith(200);
      const token = await resetTokenFromEmail(email);
      expect(await anonymous().password.reset({ token, password: NEW_PASSWORD })).toEqual({ email });
    });

    it("refuses a malformed link with a clear message", async () => {
      await expect(
        anonymous().password.reset({ token: "abc", password: NEW_PASSWORD }),
      ).rejects.toMatchObject({
        data: {
          code: "BAD_REQUEST",
          zodError: { fieldErrors: { token: ["That password reset link is incomplete"] } },
        },
      });
      const unknown = anonymous().password.reset({ token: "x".repeat(43), password: NEW_PASSWORD });
      expect(await codeOf(unknown)).toBe("NOT_FOUND");
    });

    it("lets a link used 40 times at the same moment work once, audited once", async () => {
      const account = await createTestAccount(database.prisma);
      const user = account.engineer;
      await anonymous().password.requestReset({ email: user.email });
      const token = await resetTokenFromEmail(user.email);
      const passwords = Array.from({ length: 40 }, (_, index) => `${NEW_PASSWORD} ${index}`);
      const codes = await Promise.all(
        passwords.map((password) => codeOf(anonymous().password.reset({ token, password }))),
      );
      expect(codes.filter((code) => code === "OK")).toHaveLength(1);
      expect(codes.filter((code) => code === "NOT_FOUND")).toHaveLength(39);
      const password = passwords[codes.indexOf("OK")] ?? "";
      await expect(login(server, user.email, password)).resolves.toBeTruthy();
      expect((await passwordAuditsOf(user.id)).map((audit) => audit.action)).toEqual(["password.reset"]);
    });

    it("leaves one link open when two are asked for at the same moment", async () => {
      const account = await createTestAccount(database.prisma);
      const user = account.senior;
      await Promise.all([
        anonymous().password.requestReset({ email: user.email }),
        anonymous().password.requestReset({ email: user.email }),
      ]);
      await vi.waitFor(() =>
        expect(database.prisma.passwordReset.count({ where: { userId: user.id } })).resolves.toBe(2),
      );
      const open = await database.prisma.passwordReset.count({
        where: { userId: user.id, usedAt: null, revokedAt: null },
      });
      expect(open).toBe(1);
    });

    it("throttles requests per email, whether or not the email has an account", async () => {
      const account = await createTestAccount(database.prisma);
      for (const email of [account.engineer.email, "no.account@example.test"]) {
        for (let request = 0; request < 3; request += 1) {
          expect(await anonymous().password.requestReset({ email })).toEqual(SAME_ANSWER);
        }
        const refused = anonymous().password.requestReset({ email });
        await expect(refused).rejects.toMatchObject({
          data: { code: "TOO_MANY_REQUESTS" },
          message: expect.stringMatching(
            /^Too many password reset requests for this email\. Try again in \d+ seconds\.$/,
          ),
        });
      }
      // Another email from the same address is not held back.
      expect(await anonymous().password.requestReset({ email: account.senior.email })).toEqual(SAME_ANSWER);
    });
  });

  describe("password reset limits", () => {
    it("throttles requests per address, across emails", async () => {
      const strict = await startTestServer({
        database,
        passwordReset: { perEmail: 3, perAddress: 4, windowMs: 60_000 },
      });
      try {
        const client = createTestClient(strict);
        for (let index = 0; index < 4; index += 1) {
          expect(await client.password.requestReset({ email: `someone.${index}@example.test` })).toEqual(
            SAME_ANSWER,
          );
        }
        await expect(
          client.password.requestReset({ email: "someone.else@example.test" }),
        ).rejects.toMatchObject({
          data: { code: "TOO_MANY_REQUESTS" },
          message: expect.stringContaining("from your network"),
        });
      } finally {
        await strict.close();
      }
    });

    it.runIf(hasRedis)("counts an email's requests across replicas that share Redis", async () => {
      const limits = { perEmail: 2, perAddress: 1_000, windowMs: 60_000 };
      const first = await startTestServer({ database, redisUrl: testRedisUrl, passwordReset: limits });
      const second = await startTestServer({ database, redisUrl: testRedisUrl, passwordReset: limits });
      try {
        // Redis outlives this run: a fresh email starts from zero.
        const email = `shared.${randomBytes(6).toString("hex")}@example.test`;
        expect(await createTestClient(first).password.requestReset({ email })).toEqual(SAME_ANSWER);
        expect(await createTestClient(second).password.requestReset({ email })).toEqual(SAME_ANSWER);
        expect(await codeOf(createTestClient(first).password.requestReset({ email }))).toBe(
          "TOO_MANY_REQUESTS",
        );
      } finally {
        await first.close();
        await second.close();
      }
    });

    it("refuses a link 30 minutes after it was sent", async () => {
      const clock = createManualClock();
      const timed = await startTestServer({
        database,
        clock,
        resend: { baseUrl: resend.baseUrl, retry: { attempts: 3 } },
      });
      try {
        const account = await createTestAccount(database.prisma);
        const user = account.engineer;
        await createTestClient(timed).password.requestReset({ email: user.email });
        // The email job is due by this server's clock once the clock reaches the job's creation.
        await vi.waitFor(() =>
          expect(database.prisma.passwordReset.count({ where: { userId: user.id } })).resolves.toBe(1),
        );
        clock.set(new Date());
        const token = await resetTokenFromEmail(user.email);

        clock.advance(30 * 60_000);
        const expired = createTestClient(timed).password.reset({ token, password: NEW_PASSWORD });
        await expect(expired).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
        await expect(login(timed, user.email, "demo")).resolves.toBeTruthy();
      } finally {
        await timed.close();
      }
    });
  });
});
