// Escalation email through the real Resend SDK, pointed at a local stand-in: who gets it, what
// it says, and that a failing or absent provider never fails the handoff or its event.
import { createResendMailer, type TEscalationEvent } from "@handoff/api";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase, testDatabaseTargets } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestClient, login, startTestServer, type TestServer } from "../src/testing/index.ts";
import { collectEvents } from "./support/event-collector.ts";
import { type ResendStandIn, startResendStandIn } from "./support/resend-stand-in.ts";

describe.each(await testDatabaseTargets())("on %s", (target) => {
  let database: Database;
  let resend: ResendStandIn;
  let server: TestServer;

  beforeAll(async () => {
    database = await createTestDatabase(target);
    resend = await startResendStandIn();
    server = await startTestServer({
      database,
      resend: { apiKey: "re_test_key", baseUrl: resend.baseUrl, retry: { attempts: 3, baseDelayMs: 10 } },
    });
  });
  afterAll(async () => {
    await server?.close();
    await resend?.close();
    await database?.close();
  });

  async function clientFor(user: { email: string }) {
    return createTestClient(server, { token: await login(server, user.email) });
  }

  describe("escalation email", () => {
    it("goes to the account's active OWNER/ADMIN/ENGINEER users except the escalator, with the right content", async () => {
      resend.respondWith(200);
      const account = await createTestAccount(database.prisma);
      const other = await createTestAccount(database.prisma);
      const inactive = await database.prisma.user.update({
        where: { id: account.admin.id },
        data: { active: false },
      });
      const engineer = await clientFor(account.engineer);
      resend.received.length = 0;

      const card = await engineer.handoff.escalate({
        sessionId: account.session.id,
        priority: "urgent",
        notes: "Printer spooler crashes on every job",
      });
      await server.deps.notifier.idle();

      const recipients = resend.received.flatMap((email) => email.to).sort();
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

      const rows = await database.prisma.notification.findMany({ where: { handoffId: card.id } });
      expect(rows).toHaveLength(2);
      expect(rows.every((row) => row.status === "SENT" && row.attempts === 1 && row.providerId)).toBe(true);
    });

    it("when the provider answers 500, the handoff commits, the event is delivered and the rows record the failure", async () => {
      const account = await createTestAccount(database.prisma);
      const senior = await clientFor(account.senior);
      const events = collectEvents<TEscalationEvent>();
      const subscription = senior.escalation.onEvent.subscribe({}, events);
      await vi.waitFor(() => expect(server.bus.subscriberCount(account.account.id)).toBe(1));
      resend.respondWith(500);
      resend.received.length = 0;

      const card = await (await clientFor(account.engineer)).handoff.escalate({
        sessionId: account.session.id,
        priority: "high",
      });
      const [event] = await events.waitForCount(1);
      expect(event?.data).toMatchObject({ kind: "handoff", handoff: { id: card.id } });
      await server.deps.notifier.idle();

      const rows = await database.prisma.notification.findMany({ where: { handoffId: card.id } });
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row).toMatchObject({ status: "FAILED", attempts: 3 });
        expect(row.lastError).toContain("500");
      }
      expect(resend.received).toHaveLength(rows.length * 3);
      subscription.unsubscribe();
      resend.respondWith(200);
    });

    it("when the provider is unreachable, the handoff still commits and the rows say why", async () => {
      const unreachable = await startResendStandIn();
      await unreachable.close();
      const offline = await startTestServer({
        database,
        resend: {
          apiKey: "re_test_key",
          baseUrl: unreachable.baseUrl,
          retry: { attempts: 2, baseDelayMs: 10 },
        },
      });
      try {
        const account = await createTestAccount(database.prisma);
        const engineer = createTestClient(offline, { token: await login(offline, account.engineer.email) });
        const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
        await offline.deps.notifier.idle();

        expect(await database.prisma.handoff.count({ where: { id: card.id } })).toBe(1);
        const rows = await database.prisma.notification.findMany({ where: { handoffId: card.id } });
        expect(rows.length).toBeGreaterThan(0);
        expect(
          rows.every(
            (row) => row.status === "FAILED" && row.attempts === 2 && row.lastError?.includes("network"),
          ),
        ).toBe(true);
      } finally {
        await offline.close();
      }
    });

    it("when the provider never answers, each attempt times out and the rows record it", async () => {
      const silent = await startResendStandIn();
      silent.respondWith("never");
      const hanging = await startTestServer({
        database,
        resend: { baseUrl: silent.baseUrl, retry: { attempts: 2, baseDelayMs: 10 } },
        mailer: createResendMailer({
          apiKey: "re_test_key",
          baseUrl: silent.baseUrl,
          from: "ops@handoff.test",
          timeoutMs: 200,
        }),
      });
      try {
        const account = await createTestAccount(database.prisma);
        const engineer = createTestClient(hanging, { token: await login(hanging, account.engineer.email) });
        const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
        await hanging.deps.notifier.idle();

        const rows = await database.prisma.notification.findMany({ where: { handoffId: card.id } });
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) {
          expect(row).toMatchObject({ status: "FAILED", attempts: 2 });
          // Without the timeout idle() above would never resolve: the request would hang forever.
          expect(row.lastError).toMatch(/network|timeout/);
        }
      } finally {
        await hanging.close();
        await silent.close();
      }
    });

    it("without RESEND_API_KEY sends nothing and records the notifications as skipped", async () => {
      const noEmail = await startTestServer({ database });
      try {
        const account = await createTestAccount(database.prisma);
        const engineer = createTestClient(noEmail, { token: await login(noEmail, account.engineer.email) });
        resend.received.length = 0;
        const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "low" });
        await noEmail.deps.notifier.idle();

        expect(resend.received).toHaveLength(0);
        const rows = await database.prisma.notification.findMany({ where: { handoffId: card.id } });
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.every((row) => row.status === "SKIPPED")).toBe(true);
      } finally {
        await noEmail.close();
      }
    });

    it("sends one set of emails for a repeated idempotency key", async () => {
      resend.respondWith(200);
      const account = await createTestAccount(database.prisma);
      const engineer = await clientFor(account.engineer);
      resend.received.length = 0;
      const input = {
        sessionId: account.session.id,
        priority: "normal" as const,
        idempotencyKey: "double-click-1234",
      };
      await engineer.handoff.escalate(input);
      await engineer.handoff.escalate(input);
      await server.deps.notifier.idle();

      const recipients = resend.received.flatMap((email) => email.to);
      expect(recipients).toHaveLength(new Set(recipients).size);
      expect(recipients.length).toBe(3);
    });
  });
});
