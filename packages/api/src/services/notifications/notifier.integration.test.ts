// The notifier against a real database: deliveries a restart cut short are closed as FAILED.
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotifier } from "./notifier.ts";

let database: Database;

beforeAll(async () => {
  database = await createTestDatabase("pglite");
});
afterAll(async () => {
  await database?.close();
});

const silentLogger = { info() {}, warn() {}, error() {} };

describe("notifier.failAbandoned", () => {
  it("fails PENDING deliveries older than the cut-off and leaves recent ones alone", async () => {
    const account = await createTestAccount(database.prisma);
    const handoff = await database.prisma.handoff.create({
      data: {
        accountId: account.account.id,
        sessionId: account.session.id,
        intent: "ESCALATE",
        handedOffById: account.engineer.id,
        snapshot: {},
      },
    });
    const pending = (recipientId: string) => ({
      accountId: account.account.id,
      handoffId: handoff.id,
      recipientId,
      channel: "EMAIL" as const,
      status: "PENDING" as const,
    });
    const stale = await database.prisma.notification.create({ data: pending(account.owner.id) });
    await database.prisma
      .$executeRaw`UPDATE "Notification" SET "updatedAt" = now() - interval '1 hour' WHERE id = ${stale.id}`;
    const recent = await database.prisma.notification.create({ data: pending(account.senior.id) });
    const notifier = createNotifier({
      prisma: database.prisma,
      mailer: { kind: "log", send: async () => ({ ok: false, error: "unused", isRetryable: false }) },
      logger: silentLogger,
      appOrigin: "http://localhost:3000",
    });

    expect(await notifier.failAbandoned(10 * 60_000)).toBe(1);

    const rows = await database.prisma.notification.findMany({ where: { handoffId: handoff.id } });
    expect(rows.find((row) => row.id === stale.id)).toMatchObject({
      status: "FAILED",
      lastError: expect.stringContaining("interrupted"),
    });
    expect(rows.find((row) => row.id === recent.id)).toMatchObject({ status: "PENDING" });
  });
});
