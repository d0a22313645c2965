// Adding a handoff's notification rows, the one write every channel's fan-out shares.
import { randomUUID } from "node:crypto";
import { type NotificationChannel, type NotificationStatus, type Prisma, utcTimestampSql } from "@handoff/db";

export type TNotificationRow = {
  accountId: string;
  handoffId: string;
  recipientId: string;
  channel: NotificationChannel;
  /** Default "escalated" (see the Notification model). */
  reason?: string;
  /** Default PENDING. */
  status?: NotificationStatus;
  lastError?: string | null;
};

/**
 * Adds the rows in one statement, in the caller's transaction; a recipient that already has a row
 * for the handoff, channel and reason keeps it as it is (so a retried fan-out adds nothing). SQL
 * rather than `createMany`, which Prisma compiles anew on every call (its plan cache leaves it out).
 */
export async function addNotifications(
  tx: Prisma.TransactionClient,
  rows: TNotificationRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const now = utcTimestampSql(new Date());
  const values = rows.map((row) => ({
    ...row,
    id: randomUUID(),
    reason: row.reason ?? "escalated",
    status: row.status ?? "PENDING",
    lastError: row.lastError ?? null,
  }));
  await tx.$executeRaw`
    INSERT INTO "Notification" ("id", "accountId", "handoffId", "recipientId", "channel", "reason", "status", "attempts", "lastError", "createdAt", "updatedAt")
    SELECT "n"."id", "n"."accountId", "n"."handoffId", "n"."recipientId", "n"."channel"::"NotificationChannel",
           "n"."reason", "n"."status"::"NotificationStatus", 0, "n"."lastError",
           ${now}, ${now}
    FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
      AS "n"("id" text, "accountId" text, "handoffId" text, "recipientId" text, "channel" text,
             "reason" text, "status" text, "lastError" text)
    ON CONFLICT DO NOTHING`;
}
