// Escalation email as durable jobs through the real Resend SDK, pointed at a local stand-in: who
// gets it, what it says, retries (Retry-After honoured), and that a failing or absent provider
// never fails the handoff or its event.
import { createResendMailer, type TEscalationEvent } from "@handoff/api";
import { createTestAccount, createTestDatabase, testDatabaseTargets } from "@handoff/db/testing";
import { describe, expect, it, vi } from "vitest";
import { createTestClient, login, startTestServer } from "../src/testing/index.ts";
import { collectEvents } from "./support/event-collector.ts";
import { useResendStandIn } from "./support/use-resend-stand-in.ts";
import { useTestServer } from "./support/use-test-server.ts";

const EMAIL_ATTEMPTS = 3;

describe.each(await testDatabaseTargets())("on %s", (target) => {
  const resend = useResendStandIn();
  const app = useTestServer({
    target,
    server: () => ({
      resend: { baseUrl: resend.baseUrl, retry: { attempts: EMAIL_ATTEMPTS } },
      // The real SDK, with a timeout short enough for a test of a provider that never answers.
      mailer: createResendMailer({
        apiKey: "re_test_key",
        baseUrl: resend.baseUrl,
        from: "Handoff <escalations@handoff.local>",
        timeoutMs: 1_500,
      }),
    }),
  });

  async function escalateFreshSession(priority: "high" | "urgent" = "high") {
    const account = await createTestAccount(app.prisma);
    const engineer = await app.clientFor(account.engineer);
    resend.received.length = 0;
    const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority });
    return { account, card };
  }

  const notificationsOf = (handoffId: string) => app.prisma.notification.findMany({ where: { handoffId } });

  describe("escalation email", () => {
    it("goes to the account's active OWNER/ADMIN/ENGINEER users except the escalator, with the right content", async () => {
      resend.respondWith(200);
      const account = await createTestAccount(app.prisma);
      const other = await createTestAccount(app.prisma);
      const inactive = await app.prisma.user.update({
        where: { id: account.admin.id },
        data: { active: false },
      });
      const engineer = await app.clientFor(account.engineer);
      resend.received.length = 0;

      const card = await engineer.handoff.escalate({
        sessionId: account.session.id,
        priority: "urgent",
        notes: "Printer spooler crashes on every job",
      });
      await app.server.deps.jobs.drain();

      const recipients = resend
        .delivered()
        .filter((email) => email.idempotencyKey?.includes(card.id))
        .flatMap((email) => email.to)
        .sort();
      expect(recipients).toEqual([account.owner.email, account.senior.email].sort());
      expect(recipients).not.toContain(inactive.email);
      expect(recipients).not.toContain(account.viewer.email);
      expect(recipients.some((email) => other.users.some((user) => user.email === email))).toBe(false);
      const [email] = resend.received;
      expect(email?.authorization).toBe("Bearer re_test_key");
      expect(email?.subject).toBe(`[URGENT] Escalation: ${account.session.problemSummary}`);
      expect(email?.text).toContain("Printer spooler crashes on every job");
      expect(email?.text).toContain("/escalations");
      expect(email?.idempotencyKey).toContain(card.id);

      const rows = await notificationsOf(card.id);
      expect(rows).toHaveLength(2);
      expect(rows.every((row) => row.status === "SENT" && row.providerId)).toBe(true);
    });

    it("keeps the subject on one line even for a title with line breaks, and refuses such titles as input", async () => {
      resend.respondWith(200);
      const account = await createTestAccount(app.prisma);
      // Titles from before the input check (or another system) may still hold them.
      await app.prisma.session.update({
        where: { id: account.session.id },
        data: { problemSummary: "Outlook\r\nBcc: attacker@example.com\n\ncrashes" },
      });
      const engineer = await app.clientFor(account.engineer);
      resend.received.length = 0;
      await engineer.handoff.escalate({ sessionId: account.session.id, priority: "low" });
      await app.server.deps.jobs.drain();

      expect(resend.received.length).toBeGreaterThan(0);
      for (const email of resend.received) {
        expect(email.subject).toBe("[LOW] Escalation: Outlook Bcc: attacker@example.com crashes");
      }
      await expect(
        engineer.session.create({ problemSummary: "Two\nlines", problemDomain: "m365" }),
      ).rejects.toMatchObject({
        data: { code: "BAD_REQUEST" },
        message: expect.stringContaining("one line"),
      });
    });

    it("when the provider answers 500, the handoff commits, the event is delivered and the rows record the failure", async () => {
      const account = await createTestAccount(app.prisma);
      const senior = await app.clientFor(account.senior);
      const events = collectEvents<TEscalationEvent>();
      const subscription = senior.escalation.onEvent.subscribe({}, events);
      await vi.waitFor(() => expect(app.server.bus.subscriberCount(account.account.id)).toBe(1));
      resend.respondWith(500);
      resend.received.length = 0;

      const card = await (await app.clientFor(account.engineer)).handoff.escalate({
        sessionId: account.session.id,
        priority: "high",
      });
      const [event] = await events.waitForCount(1);
      expect(event?.data).toMatchObject({ kind: "handoff", handoff: { id: card.id } });
      await app.server.deps.jobs.drain();

      const rows = await notificationsOf(card.id);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row).toMatchObject({ status: "FAILED", attempts: EMAIL_ATTEMPTS });
        expect(row.lastError).toContain("500");
      }
      expect(resend.received).toHaveLength(rows.length * EMAIL_ATTEMPTS);
      const jobs = await app.prisma.job.findMany({
        where: { accountId: account.account.id, kind: "email.send" },
      });
      expect(jobs.map((job) => job.status)).toEqual(rows.map(() => "DEAD"));
      subscription.unsubscribe();

      // An ADMIN sees what gave up and retries it once the provider is back; nobody else can.
      const admin = await app.clientFor(account.admin);
      const dead = await admin.job.list({ status: "dead" });
      expect(dead.filter((job) => job.kind === "email.send")).toHaveLength(rows.length);
      expect(dead[0]?.lastError).toContain("500");
      const engineer = await app.clientFor(account.engineer);
      await expect(engineer.job.list({})).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
      const outsider = await app.clientFor((await createTestAccount(app.prisma)).admin);
      await expect(outsider.job.retry({ jobId: jobs[0]?.id ?? "" })).rejects.toMatchObject({
        data: { code: "NOT_FOUND" },
      });
      resend.respondWith(200);
      for (const job of dead) await admin.job.retry({ jobId: job.id });
      await expect(admin.job.retry({ jobId: dead[0]?.id ?? "" })).rejects.toMatchObject({
        data: { code: "CONFLICT" },
      });
      await app.server.deps.jobs.drain();
      const retried = await notificationsOf(card.id);
      expect(retried.every((row) => row.status === "SENT")).toBe(true);
      expect(await admin.job.list({ status: "dead" })).toEqual([]);
    });

    it("after a 429 with Retry-After, waits that long before trying again, then delivers", async () => {
      resend.respondWith(429, { retryAfter: "2" });
      const { card } = await escalateFreshSession();
      await vi.waitFor(() => expect(resend.received.length).toBe(3), { timeout: 10_000 });
      resend.respondWith(200);
      await app.server.deps.jobs.drain();

      const keys = new Set(resend.received.map((email) => email.idempotencyKey));
      expect(keys.size).toBe(3);
      for (const key of keys) {
        const tries = resend.received.filter((email) => email.idempotencyKey === key);
        expect(tries).toHaveLength(2);
        const [first, second] = tries;
        expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1_900);
      }
      const rows = await notificationsOf(card.id);
      expect(rows.every((row) => row.status === "SENT" && row.attempts === 2)).toBe(true);
    });

    it("when the provider is unreachable, the handoff still commits and the rows say why", async () => {
      resend.respondWith("drop");
      const { card } = await escalateFreshSession();
      await app.server.deps.jobs.drain();
      resend.respondWith(200);

      expect(await app.prisma.handoff.count({ where: { id: card.id } })).toBe(1);
      const rows = await notificationsOf(card.id);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row).toMatchObject({ status: "FAILED", attempts: EMAIL_ATTEMPTS });
        expect(row.lastError).toMatch(/network/);
      }
    });

    it("when the provider never answers, each attempt times out and the rows record it", async () => {
      resend.respondWith("never");
      const { card } = await escalateFreshSession();
      // Without the timeout drain() would never resolve: the request would hang forever.
      await app.server.deps.jobs.drain();
      resend.respondWith(200);

      const rows = await notificationsOf(card.id);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row).toMatchObject({ status: "FAILED", attempts: EMAIL_ATTEMPTS });
        expect(row.lastError).toMatch(/network|timeout/);
      }
    });

    it("sends one set of emails for a repeated idempotency key", async () => {
      resend.respondWith(200);
      const account = await createTestAccount(app.prisma);
      const engineer = await app.clientFor(account.engineer);
      resend.received.length = 0;
      const input = {
        sessionId: account.session.id,
        priority: "normal" as const,
        idempotencyKey: "double-click-1234",
      };
      await engineer.handoff.escalate(input);
      await engineer.handoff.escalate(input);
      await app.server.deps.jobs.drain();

      const accountEmails = new Set(account.users.map((user) => user.email));
      const recipients = resend
        .delivered()
        .flatMap((email) => email.to)
        .filter((to) => accountEmails.has(to));
      expect(recipients).toHaveLength(new Set(recipients).size);
      expect(recipients.length).toBe(3);
    });
  });
});

describe("without RESEND_API_KEY", () => {
  it("sends nothing and records the notifications as skipped", async () => {
    const database = await createTestDatabase("pglite");
    const noEmail = await startTestServer({ database });
    try {
      const account = await createTestAccount(database.prisma);
      const engineer = createTestClient(noEmail, { token: await login(noEmail, account.engineer.email) });
      const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "low" });
      await noEmail.deps.jobs.drain();

      const rows = await database.prisma.notification.findMany({ where: { handoffId: card.id } });
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.status === "SKIPPED")).toBe(true);
    } finally {
      await noEmail.close();
      await database.close();
    }
  });
});
