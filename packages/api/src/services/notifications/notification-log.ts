// The notification log an ADMIN reads: every delivery of the account (escalations, invitations),
// newest first, with its status, attempts and last error, and for a failed email whose job gave up,
// the job to retry (job.retry): an email's send job is keyed by its notification, so the two map 1:1
// (a push fans out to several devices' jobs, so it has no single job to retry).
import type { NotificationStatus, Prisma, PrismaClient } from "@handoff/db";
import type { TNotificationLogEntry, TNotificationPage, TNotificationStatus } from "../../schemas/outputs.ts";
import { formatKeysetCursor, parseKeysetCursor } from "../admin/keyset-cursor.ts";
import type { TAuthedViewer } from "../auth/auth-service.ts";
import { SEND_EMAIL_JOB } from "./email-jobs.ts";

type TActor = Pick<TAuthedViewer, "accountId">;

const notificationInclude = {
  recipient: { select: { id: true, name: true, email: true } },
  handoff: { select: { id: true, session: { select: { problemSummary: true } } } },
} as const satisfies Prisma.NotificationInclude;

type TNotificationRow = Prisma.NotificationGetPayload<{ include: typeof notificationInclude }>;

export async function listNotifications(
  prisma: PrismaClient,
  actor: TActor,
  query: { status?: TNotificationStatus | undefined; cursor?: string | undefined; limit: number },
): Promise<TNotificationPage> {
  const after = query.cursor ? parseKeysetCursor(query.cursor) : null;
  const rows = await prisma.notification.findMany({
    where: {
      accountId: actor.accountId,
      ...(query.status && { status: query.status.toUpperCase() as NotificationStatus }),
      ...(after && {
        OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }],
      }),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    include: notificationInclude,
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const retryable = await deadSendJobs(
    prisma,
    actor,
    page.filter((row) => row.status === "FAILED").map((row) => row.id),
  );
  const last = page.at(-1);
  return {
    items: page.map((row) => toLogEntry(row, retryable.get(row.id) ?? null)),
    nextCursor:
      rows.length > query.limit && last ? formatKeysetCursor({ at: last.createdAt, id: last.id }) : null,
  };
}

/** The send jobs that gave up, by notification id. */
async function deadSendJobs(prisma: PrismaClient, actor: TActor, notificationIds: string[]) {
  if (notificationIds.length === 0) return new Map<string, string>();
  const keyOf = (id: string) => `${SEND_EMAIL_JOB}/${id}`;
  const jobs = await prisma.job.findMany({
    where: { accountId: actor.accountId, status: "DEAD", dedupeKey: { in: notificationIds.map(keyOf) } },
    select: { id: true, dedupeKey: true },
  });
  const byKey = new Map(jobs.map((job) => [job.dedupeKey, job.id]));
  const found = new Map<string, string>();
  for (const id of notificationIds) {
    const jobId = byKey.get(keyOf(id));
    if (jobId) found.set(id, jobId);
  }
  return found;
}

function toLogEntry(row: TNotificationRow, retryJobId: string | null): TNotificationLogEntry {
  const handoff = row.handoff && { id: row.handoff.id, problemSummary: row.handoff.session.problemSummary };
  return {
    id: row.id,
    kind: row.inviteId ? "invite" : "escalation",
    channel: row.channel.toLowerCase(),
    reason: row.reason,
    recipient: row.recipient,
    subject: handoff ? handoff.problemSummary : "Invitation to join the account",
    handoff: handoff ?? null,
    status: row.status.toLowerCase() as TNotificationStatus,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    retryJobId,
  };
}
