// Retention through the real server's job worker: the daily prune deletes expired logins, old
// finished jobs, and old events, notifications and webhook messages, and keeps what must stay (an open handoff's
// events and notifications, pending work and deliveries, recent rows, the account's seq). A client resuming from
// a pruned position is told to reload instead of silently missing events; one at the head carries on.
import { formatEventId, scheduleRetention, type TEscalationEvent } from "@handoff/api";
import { createTestAccount, testDatabaseTargets } from "@handoff/db/testing";
import { describe, expect, it } from "vitest";
import { login, WITHOUT_ASSESSMENTS } from "../src/testing/index.ts";
import { collectEvents } from "./support/event-collector.ts";
import { useTestServer } from "./support/use-test-server.ts";

const targets = await testDatabaseTargets();
const DAY_MS = 86_400_000;

describe.each(targets)("retention on %s", (target) => {
  const app = useTestServer({ target, server: WITHOUT_ASSESSMENTS });

  it("prunes old rows in the daily job and keeps what must stay", async () => {
    const { prisma } = app;
    const account = await createTestAccount(prisma);
    const accountId = account.account.id;
    const engineer = await app.clientFor(account.engineer);
    const senior = await app.clientFor(account.senior);

    // A handoff that is over (claimed, its session resolved) and one still waiting in the queue.
    const closed = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
    await app.server.deps.jobs.drain(); // its notifications are written before the claim
    await senior.handoff.claim({ handoffId: closed.id });
    await senior.session.resolve({ sessionId: account.session.id, resolution: "Rolled back the NIC driver" });
    const openSession = await engineer.session.create({
      problemSummary: "VPN drops hourly",
      problemDomain: "Network",
    });
    const open = await engineer.handoff.escalate({ sessionId: openSession.id, priority: "normal" });
    await app.server.deps.jobs.drain();

    // Everything so far is made old; then one recent event, and an expired login beside a valid one.
    const ago = (days: number) => new Date(Date.now() - days * DAY_MS);
    await prisma.escalationEvent.updateMany({ where: { accountId }, data: { createdAt: ago(100) } });
    await prisma.notification.updateMany({ where: { accountId }, data: { createdAt: ago(100) } });
    await prisma.$executeRawUnsafe(
      `UPDATE "Job" SET "updatedAt" = "updatedAt" - interval '40 days' WHERE "accountId" = $1 AND "status" = 'DONE'`,
      accountId,
    );
    await prisma.job.create({
      data: {
        accountId,
        kind: "test.later",
        payload: {},
        dedupeKey: `later:${accountId}`,
        runAt: new Date(Date.now() + DAY_MS),
      },
    });
    await prisma.$executeRawUnsafe(
      `UPDATE "Job" SET "updatedAt" = "updatedAt" - interval '40 days' WHERE "dedupeKey" = $1`,
      `later:${accountId}`,
    );
    await engineer.session.update({ sessionId: openSession.id, problemSummary: "VPN drops every hour" });
    await login(app.server, account.viewer.email);
    const expiredLogin = await prisma.authSession.findFirstOrThrow({ where: { userId: account.viewer.id } });
    await prisma.authSession.update({ where: { id: expiredLogin.id }, data: { expiresAt: ago(1) } });

    // Webhook messages: an old one delivered, an old one whose delivery is still pending, a recent one.
    const endpoint = await prisma.webhookEndpoint.create({
      data: {
        accountId,
        kind: "STANDARD",
        description: "RMM",
        sealedUrl: "sealed",
        urlHint: "rmm.example",
        events: [],
      },
    });
    const webhookMessage = (id: string, createdAt: Date, status: "DELIVERED" | "PENDING") =>
      prisma.webhookMessage.create({
        data: {
          id,
          accountId,
          type: "handoff.created",
          payload: {},
          dedupeKey: `${id}:${accountId}`,
          createdAt,
          deliveries: { create: { accountId, endpointId: endpoint.id, status } },
        },
      });
    await webhookMessage(`msg_old_${accountId}`, ago(100), "DELIVERED");
    await webhookMessage(`msg_pending_${accountId}`, ago(100), "PENDING");
    await webhookMessage(`msg_recent_${accountId}`, ago(1), "DELIVERED");

    const head = await prisma.account.findUniqueOrThrow({ where: { id: accountId } });
    const eventsOf = (handoffId: string | null) =>
      prisma.escalationEvent.count({ where: { accountId, handoffId } });
    const notificationsOf = (handoffId: string) =>
      prisma.notification.count({ where: { accountId, handoffId } });
    const openEvents = await eventsOf(open.id);
    const openNotifications = await notificationsOf(open.id);
    expect(await eventsOf(closed.id)).toBeGreaterThan(0);
    expect(await notificationsOf(closed.id)).toBeGreaterThan(0);
    expect(openNotifications).toBeGreaterThan(0);
    expect(await prisma.job.count({ where: { accountId, status: "DONE" } })).toBeGreaterThan(0);

    await scheduleRetention(prisma, new Date());
    await app.server.deps.jobs.drain();

    expect(await eventsOf(closed.id)).toBe(0);
    expect(await eventsOf(open.id)).toBe(openEvents);
    // Session list rows: the old ones go, the recent one stays.
    expect(await eventsOf(null)).toBe(1);
    expect(await notificationsOf(closed.id)).toBe(0);
    expect(await notificationsOf(open.id)).toBe(openNotifications);
    const doneJobs = await prisma.job.findMany({
      where: { accountId, status: "DONE" },
      select: { kind: true },
    });
    expect(doneJobs.map((job) => job.kind)).toEqual(["retention.prune"]);
    expect(await prisma.job.count({ where: { accountId, kind: "test.later", status: "PENDING" } })).toBe(1);
    expect(await prisma.authSession.count({ where: { id: expiredLogin.id } })).toBe(0);
    const keptMessages = await prisma.webhookMessage.findMany({
      where: { accountId },
      orderBy: { createdAt: "asc" },
    });
    expect(keptMessages.map((message) => message.id)).toEqual([
      `msg_pending_${accountId}`,
      `msg_recent_${accountId}`,
    ]);
    expect(await prisma.webhookDelivery.count({ where: { accountId } })).toBe(2);
    expect(await prisma.authSession.count({ where: { userId: account.senior.id } })).toBeGreaterThan(0);
    // The sessions' planner statistics, which session.similar reads, are gathered (no autovacuum on PGlite).
    const sessionStatistics = await prisma.$queryRaw<{ count: bigint }[]>`
      SELECT count(*) AS "count" FROM pg_stats
      WHERE "schemaname" = current_schema() AND "tablename" = 'Session' AND "attname" = 'searchVector'`;
    expect(Number(sessionStatistics[0]?.count)).toBe(1);
    // Where no autovacuum runs (the embedded database) the job vacuums every table itself; on
    // PostgreSQL that is left to autovacuum.
    const tables = await prisma.$queryRaw<{ table: string; vacuumedAt: Date | null }[]>`
      SELECT "relname" AS "table", "last_vacuum" AS "vacuumedAt" FROM pg_stat_user_tables
      WHERE "schemaname" = current_schema()`;
    expect(tables.length).toBeGreaterThan(20);
    const vacuumedTables = tables.filter((each) => each.vacuumedAt !== null).map((each) => each.table);
    expect(vacuumedTables).toEqual(target === "pglite" ? tables.map((each) => each.table) : []);
    // Tomorrow's prune is planned.
    expect(await prisma.job.count({ where: { accountId, kind: "retention.prune", status: "PENDING" } })).toBe(
      1,
    );

    // A client that last saw seq 1 is told to reload; one at the head carries on with the next seq.
    const stale = collectEvents<TEscalationEvent>();
    const current = collectEvents<TEscalationEvent>();
    senior.escalation.onEvent.subscribe(
      { lastEventId: formatEventId({ epoch: head.eventEpoch, seq: 1 }) },
      stale,
    );
    senior.escalation.onEvent.subscribe(
      { lastEventId: formatEventId({ epoch: head.eventEpoch, seq: head.eventSeq }) },
      current,
    );
    const [first] = await stale.waitForCount(1);
    expect(first?.data).toMatchObject({ kind: "resync", reason: expect.stringMatching(/no longer kept/) });
    // The stale stream is live once its notice came; the current one resumes from the head regardless.
    await engineer.session.update({
      sessionId: openSession.id,
      problemSummary: "VPN drops every 55 minutes",
    });
    const [next] = await current.waitForCount(1);
    expect(next?.data).toMatchObject({ kind: "session", seq: head.eventSeq + 1 });
    await stale.waitForCount(2);
    expect(stale.items.map((item) => item.data.kind)).toEqual(["resync", "session"]);
  });
});
