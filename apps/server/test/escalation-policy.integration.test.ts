// The escalation policy with a manual clock: overdue re-pages of an unclaimed escalation, idle
// claims, and a claim that cancels every pending page durably, across a restart of the server and
// its worker on the same database. Time moves only when a test says so; drain() runs what came due.
import { createManualClock, type Mailer, type ManualClock, type TEmail } from "@handoff/api";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase, testDatabaseTargets } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestClient, login, startTestServer, type TestServer } from "../src/testing/index.ts";

const MINUTE = 60_000;
/** Many steps of the clock, each a round of jobs: room for a busy machine. */
const STEPS_TIMEOUT_MS = 120_000;

type TSent = TEmail & { reason: string; at: number };

/** Records every email; "later" answers a retryable failure asking to come back in 5 minutes. */
function createRecordingMailer(clock: ManualClock) {
  const sent: TSent[] = [];
  let mode: "ok" | "later" = "ok";
  const mailer: Mailer = {
    kind: "resend",
    async send(email) {
      if (mode === "later")
        return { ok: false, error: "429: slow down", isRetryable: true, retryAfterMs: 5 * MINUTE };
      const reason = email.idempotencyKey.split("/").slice(3).join("/") || "escalated";
      sent.push({ ...email, reason, at: clock.now().getTime() });
      return { ok: true, providerId: `msg-${sent.length}` };
    },
  };
  return {
    mailer,
    sent,
    setMode(next: "ok" | "later") {
      mode = next;
    },
  };
}

const POLICY = {
  targets: { urgent: 15, high: 60, normal: 240, low: 1_440 },
  repeatEvery: 10,
  repeatMax: 2,
  idleClaimAfter: 30,
  maxLifetime: 2_000,
};

describe.each(await testDatabaseTargets())("on %s", (target) => {
  let database: Database;
  let server: TestServer;
  const clock = createManualClock();
  const recorder = createRecordingMailer(clock);

  const startServer = () => startTestServer({ database, mailer: recorder.mailer, clock });

  beforeAll(async () => {
    database = await createTestDatabase(target);
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  async function clientFor(user: { email: string }) {
    return createTestClient(server, { token: await login(server, user.email) });
  }

  /** Moves the clock and runs every job that came due. */
  async function advance(minutes: number) {
    clock.advance(minutes * MINUTE);
    await server.deps.jobs.drain();
  }

  async function escalatedAccount(priority: "urgent" | "high" = "urgent", policy = POLICY) {
    const account = await createTestAccount(database.prisma);
    await (await clientFor(account.admin)).policy.update(policy);
    const engineer = await clientFor(account.engineer);
    const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority });
    await server.deps.jobs.drain();
    return { account, card };
  }

  const emailsOf = (handoffId: string, reasonPrefix: string) =>
    recorder.sent
      .filter((email) => email.idempotencyKey.includes(handoffId) && email.reason.startsWith(reasonPrefix))
      .map((email) => ({ to: email.to, reason: email.reason }));

  it(
    "pages the next tier at an unclaimed urgent escalation's target, and repeats as configured",
    async () => {
      const { account, card } = await escalatedAccount();
      expect(Date.parse(card.dueAt) - Date.parse(card.createdAt)).toBe(15 * MINUTE);
      const tier = [account.owner.email, account.admin.email, account.senior.email].sort();

      await advance(14);
      expect(emailsOf(card.id, "overdue")).toEqual([]);
      const senior = await clientFor(account.senior);
      expect((await senior.handoff.queue({})).handoffs.find((h) => h.id === card.id)?.overdue).toBe(false);

      await advance(1);
      const first = emailsOf(card.id, "overdue");
      expect(first.map((email) => email.to).sort()).toEqual(tier);
      expect(new Set(first.map((email) => email.reason))).toEqual(new Set(["overdue:1"]));
      expect(recorder.sent.find((email) => email.reason === "overdue:1")?.subject).toMatch(
        /^\[URGENT\] Overdue, unclaimed for 15 min: /,
      );
      expect((await senior.handoff.queue({})).handoffs.find((h) => h.id === card.id)?.overdue).toBe(true);
      expect((await senior.handoff.byId({ handoffId: card.id })).overdue).toBe(true);

      await advance(9);
      expect(emailsOf(card.id, "overdue")).toHaveLength(3);
      await advance(1);
      expect(emailsOf(card.id, "overdue:2")).toHaveLength(3);
      await advance(10);
      expect(emailsOf(card.id, "overdue:3")).toHaveLength(3);
      // repeatMax 2: the first page and two repeats, then nothing however long it waits.
      await advance(10);
      await advance(120);
      expect(emailsOf(card.id, "overdue")).toHaveLength(9);
      const rows = await database.prisma.notification.findMany({
        where: { handoffId: card.id, reason: { startsWith: "overdue" } },
      });
      expect(rows).toHaveLength(9);
      expect(rows.every((row) => row.status === "SENT" && row.channel === "EMAIL")).toBe(true);
    },
    STEPS_TIMEOUT_MS,
  );

  it(
    "a claim cancels every pending page at once and durably: none is sent after it, across a restart",
    async () => {
      const { account, card } = await escalatedAccount();
      await advance(15);
      expect(emailsOf(card.id, "overdue:1")).toHaveLength(3);

      // The second page is due and queued, but the provider asks to come back in 5 minutes.
      recorder.setMode("later");
      clock.advance(10 * MINUTE);
      server.deps.jobs.kick();
      // (Not drain(): it would wait for the retries, which are 5 minutes of this clock away.)
      await vi.waitFor(async () => {
        const pending = await database.prisma.notification.findMany({
          where: { handoffId: card.id, reason: "overdue:2" },
        });
        expect(pending.map((row) => `${row.status} ${row.attempts}`)).toEqual([
          "PENDING 1",
          "PENDING 1",
          "PENDING 1",
        ]);
      });

      // The server and its worker stop; another starts on the same database.
      await server.close();
      server = await startServer();

      const senior = await clientFor(account.senior);
      await senior.handoff.claim({ handoffId: card.id });
      const claimedAt = clock.now().getTime();
      const cancelled = await database.prisma.notification.findMany({
        where: { handoffId: card.id, reason: "overdue:2" },
      });
      expect(cancelled.map((row) => row.status)).toEqual(["SKIPPED", "SKIPPED", "SKIPPED"]);
      expect(cancelled[0]?.lastError).toContain("Claimed before it was delivered");
      const timers = await database.prisma.job.findMany({
        where: { kind: "policy.timer", status: "PENDING", dedupeKey: { contains: card.id } },
      });
      // Only the idle clock the claim started is left.
      expect(timers).toHaveLength(1);

      // A timer that escaped the cancellation (say, planned by a replica just before the claim)
      // finds the handoff moved on and pages nobody.
      await database.prisma.job.create({
        data: {
          accountId: account.account.id,
          kind: "policy.timer",
          payload: { handoffId: card.id, version: 0, step: 2 },
          dedupeKey: `policy.timer/${card.id}/stale`,
          runAt: clock.now(),
        },
      });
      recorder.setMode("ok");
      await server.close();
      server = await startServer();
      await advance(5);
      await advance(20);
      const afterClaim = recorder.sent.filter(
        (email) => email.idempotencyKey.includes(card.id) && email.at >= claimedAt,
      );
      expect(afterClaim.filter((email) => !email.reason.startsWith("idle"))).toEqual([]);
      expect(emailsOf(card.id, "overdue")).toHaveLength(3);
    },
    STEPS_TIMEOUT_MS,
  );

  it(
    "a claim with no activity re-pages the claimer, then the tier; any activity resets the clock",
    async () => {
      const { account, card } = await escalatedAccount("high", { ...POLICY, repeatMax: 1 });
      const senior = await clientFor(account.senior);
      await senior.handoff.claim({ handoffId: card.id });

      await advance(29);
      expect(emailsOf(card.id, "idle")).toEqual([]);
      await advance(1);
      expect(emailsOf(card.id, "idle")).toEqual([{ to: account.senior.email, reason: "idle:1/v1" }]);

      // Work on the session restarts the idle clock.
      await advance(10);
      await senior.session.addEntry({
        sessionId: account.session.id,
        kind: "step",
        body: "Rebuilt the profile",
      });
      await advance(29);
      expect(emailsOf(card.id, "idle")).toHaveLength(1);
      await advance(1);
      expect(emailsOf(card.id, "idle").at(-1)).toEqual({ to: account.senior.email, reason: "idle:1/v2" });

      // Still nothing: after another idle period, the tier.
      await advance(30);
      const tier = emailsOf(card.id, "idle:2")
        .map((email) => email.to)
        .sort();
      expect(tier).toEqual([account.owner.email, account.admin.email, account.senior.email].sort());
      await advance(10);
      expect(emailsOf(card.id, "idle:3")).toHaveLength(3);
      await advance(60);
      expect(emailsOf(card.id, "idle")).toHaveLength(8);

      // A release stops the claim's pages; resolving the session ends every page.
      await senior.handoff.release({ handoffId: card.id });
      const engineer = await clientFor(account.engineer);
      await engineer.session.resolve({ sessionId: account.session.id, resolution: "Profile rebuilt" });
      const before = recorder.sent.length;
      await advance(24 * 60);
      expect(recorder.sent.length).toBe(before);
      expect(
        await database.prisma.job.count({
          where: { kind: "policy.timer", status: "PENDING", dedupeKey: { contains: card.id } },
        }),
      ).toBe(0);
    },
    STEPS_TIMEOUT_MS,
  );

  it(
    "policy.get for members, policy.update for admins; bad input writes nothing; due times follow the policy",
    async () => {
      const account = await createTestAccount(database.prisma);
      const viewer = await clientFor(account.viewer);
      const admin = await clientFor(account.admin);
      const engineer = await clientFor(account.engineer);
      expect(await viewer.policy.get()).toEqual({
        targets: { urgent: 15, high: 60, normal: 240, low: 1_440 },
        repeatEvery: 15,
        repeatMax: 3,
        idleClaimAfter: 30,
        maxLifetime: 4_320,
      });
      await expect(engineer.policy.update(POLICY)).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
      await expect(
        admin.policy.update({ ...POLICY, targets: { ...POLICY.targets, urgent: 90 } }),
      ).rejects.toMatchObject({
        data: { code: "BAD_REQUEST" },
        message: expect.stringContaining("The urgent target cannot be longer than the high target"),
      });
      await expect(admin.policy.update({ ...POLICY, repeatEvery: -5 })).rejects.toMatchObject({
        data: { code: "BAD_REQUEST" },
      });
      await expect(admin.policy.update({ ...POLICY, maxLifetime: 60 })).rejects.toMatchObject({
        message: expect.stringContaining("maximum lifetime must be longer than every target"),
      });
      expect(await database.prisma.escalationPolicy.count({ where: { accountId: account.account.id } })).toBe(
        0,
      );

      const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
      expect(Date.parse(card.dueAt) - Date.parse(card.createdAt)).toBe(60 * MINUTE);
      expect(
        await admin.policy.update({ ...POLICY, targets: { ...POLICY.targets, high: 30 } }),
      ).toMatchObject({
        targets: { high: 30 },
      });
      const [queued] = (await admin.handoff.queue({})).handoffs;
      expect(Date.parse(queued?.dueAt ?? "") - Date.parse(card.createdAt)).toBe(30 * MINUTE);
      // The pending timer re-planned itself: the tier is paged at the new, shorter target.
      await advance(30);
      expect(emailsOf(card.id, "overdue:1")).toHaveLength(3);
    },
    STEPS_TIMEOUT_MS,
  );

  it(
    "a policy saved with an escalation's own target unchanged still pages it on time",
    async () => {
      const { account, card } = await escalatedAccount("high");
      const admin = await clientFor(account.admin);
      // Only the urgent target changes: the high escalation's timer wakes, re-plans to the very
      // time it had, and must still be there.
      await admin.policy.update({ ...POLICY, targets: { ...POLICY.targets, urgent: 10 } });
      await advance(1);
      await advance(59);
      expect(emailsOf(card.id, "overdue:1")).toHaveLength(3);
    },
    STEPS_TIMEOUT_MS,
  );

  it(
    "a policy shortened while an escalation commits still pages it at the new target",
    async () => {
      const { account, card } = await escalatedAccount("high");
      const admin = await clientFor(account.admin);
      await admin.policy.update({ ...POLICY, targets: { ...POLICY.targets, high: 30 } });
      await server.deps.jobs.drain();
      // As an escalation that read the old policy but committed after the save leaves its timer:
      // planned by the old target (60 minutes), out of reach of the save's own wake.
      const timer = { kind: "policy.timer", status: "PENDING", dedupeKey: { contains: card.id } } as const;
      await database.prisma.job.updateMany({
        where: timer,
        data: { runAt: new Date(Date.parse(card.createdAt) + 60 * MINUTE) },
      });

      await advance(1);
      const [replanned] = await database.prisma.job.findMany({ where: timer });
      expect(replanned?.runAt.getTime()).toBe(Date.parse(card.createdAt) + 30 * MINUTE);
      await advance(29);
      expect(emailsOf(card.id, "overdue:1")).toHaveLength(3);
    },
    STEPS_TIMEOUT_MS,
  );
});
