// kill -9 of the real server between commit and delivery: the escalation's emails were committed
// as jobs and were in flight to the provider when the process died. After a restart every
// recipient gets the email exactly once (the retry reuses Resend's idempotency key).
import { createDatabase, type Database } from "@handoff/db";
import {
  createTestAccount,
  createTestDatabase,
  createTestDataDir,
  type TestAccount,
  testDatabaseTargets,
} from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type ResendStandIn,
  startResendStandIn,
  type TReceivedEmail,
} from "../test/support/resend-stand-in.ts";
import { createTestClient, login } from "./testing/index.ts";
import { runMain, waitForUrl } from "./testing/run-main.ts";

const isFor = (email: TReceivedEmail, handoffId: string) =>
  email.idempotencyKey?.includes(handoffId) ?? false;

describe.each(await testDatabaseTargets())("a crash between commit and delivery on %s", (target) => {
  let resend: ResendStandIn;
  let account: TestAccount;
  let databaseEnv: Record<string, string>;
  /** Opens the database the child processes use (PGlite allows one process at a time). */
  let openDatabase: () => Promise<Database>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    resend = await startResendStandIn();
    if (target === "postgres") {
      const database = await createTestDatabase("postgres");
      account = await createTestAccount(database.prisma);
      databaseEnv = { DATABASE_URL: database.databaseUrl ?? "" };
      openDatabase = async () => ({ ...database, close: async () => undefined });
      cleanup = () => database.close();
    } else {
      // Migrated already (a copy of the test template); the child finds nothing to apply.
      const { dataDir, remove } = await createTestDataDir();
      const database = await createDatabase({ dataDir });
      account = await createTestAccount(database.prisma);
      await database.close();
      databaseEnv = { DATA_DIR: dataDir };
      openDatabase = () => createDatabase({ dataDir });
      cleanup = remove;
    }
  });
  afterAll(async () => {
    await resend?.close();
    await cleanup?.();
  });

  it("delivers each email exactly once after the restart", async () => {
    const env = {
      ...databaseEnv,
      PORT: "0",
      LOG_LEVEL: "warn",
      RESEND_API_KEY: "re_test_key",
      RESEND_BASE_URL: resend.baseUrl,
      // A dead worker's claim is taken over once its lease ends.
      JOB_LEASE: "2s",
      JOB_POLL_INTERVAL: "100ms",
    };
    resend.respondWith("never");
    const first = runMain(env);
    let handoffId: string;
    try {
      const url = await waitForUrl(first);
      const engineer = createTestClient(
        { url, wsUrl: `${url.replace(/^http/, "ws")}/trpc` },
        { token: await login({ url }, account.engineer.email) },
      );
      handoffId = (await engineer.handoff.escalate({ sessionId: account.session.id, priority: "urgent" })).id;
      await engineer.close();
      // Committed, and the sends are on the wire, unanswered: now the process dies.
      await vi.waitFor(
        () => expect(resend.received.filter((email) => isFor(email, handoffId))).toHaveLength(3),
        {
          timeout: 20_000,
        },
      );
    } finally {
      first.child.kill("SIGKILL");
    }
    await first.exited;

    resend.respondWith(200);
    const sentBeforeRestart = resend.received.length;
    const second = runMain(env);
    try {
      const url = await waitForUrl(second);
      const admin = createTestClient(
        { url, wsUrl: `${url.replace(/^http/, "ws")}/trpc` },
        { token: await login({ url }, account.admin.email) },
      );
      await vi.waitFor(
        () => {
          const retried = resend.received.slice(sentBeforeRestart).filter((email) => isFor(email, handoffId));
          expect(new Set(retried.map((email) => email.idempotencyKey)).size).toBe(3);
        },
        { timeout: 30_000 },
      );
      // What an ADMIN sees: nothing left to do, nothing that gave up.
      await vi.waitFor(
        async () => {
          const jobs = await admin.job.list({});
          expect(jobs.map((job) => job.status)).toEqual(jobs.map(() => "done"));
        },
        { timeout: 30_000, interval: 200 },
      );
      await admin.close();
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    } finally {
      second.child.kill("SIGKILL");
    }

    const recipients = resend
      .delivered()
      .filter((email) => isFor(email, handoffId))
      .flatMap((email) => email.to)
      .sort();
    expect(recipients).toEqual([account.owner.email, account.admin.email, account.senior.email].sort());
    const database = await openDatabase();
    try {
      const rows = await database.prisma.notification.findMany({ where: { handoffId } });
      expect(rows).toHaveLength(3);
      expect(rows.every((row) => row.status === "SENT" && row.providerId)).toBe(true);
      const unfinished = await database.prisma.job.count({
        where: { accountId: account.account.id, status: { not: "DONE" } },
      });
      expect(unfinished).toBe(0);
    } finally {
      await database.close();
    }
  }, 180_000);
});
