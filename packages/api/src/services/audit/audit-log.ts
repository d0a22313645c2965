// The audit log an ADMIN reads: the account's rows newest first, filtered by action, actor and a
// date range, paged with a keyset cursor, and the same rows as a CSV file. Never shows another
// account's rows.
import type { Prisma, PrismaClient } from "@handoff/db";
import type { TAuditEntry, TAuditExport, TAuditPage } from "../../schemas/audit.ts";
import { AUDIT_ACTION_LABELS, type TAuditAction } from "../../shared/audit-actions.ts";
import { formatKeysetCursor, parseKeysetCursor } from "../admin/keyset-cursor.ts";
import { csvRows } from "./csv.ts";

export type TAuditFilter = {
  action?: TAuditAction | undefined;
  actorId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
};

/** An export holds at most this many rows (the newest); narrow the range for older ones. */
export const AUDIT_EXPORT_MAX_ROWS = 10_000;

const auditInclude = { actor: { select: { name: true } } } as const satisfies Prisma.AuditEventInclude;
type TAuditRow = Prisma.AuditEventGetPayload<{ include: typeof auditInclude }>;

function whereOf(accountId: string, filter: TAuditFilter): Prisma.AuditEventWhereInput {
  return {
    accountId,
    ...(filter.action && { action: filter.action }),
    ...(filter.actorId && { actorId: filter.actorId }),
    ...((filter.from || filter.to) && {
      createdAt: { ...(filter.from && { gte: filter.from }), ...(filter.to && { lt: filter.to }) },
    }),
  };
}

const newestFirst = [
  { createdAt: "desc" },
  { id: "desc" },
] as const satisfies Prisma.AuditEventOrderByWithRelationInput[];

export async function listAuditEvents(
  prisma: PrismaClient,
  accountId: string,
  query: { filter: TAuditFilter; cursor?: string | undefined; limit: number },
): Promise<TAuditPage> {
  const after = query.cursor ? parseKeysetCursor(query.cursor) : null;
  const rows = await prisma.auditEvent.findMany({
    where: {
      ...whereOf(accountId, query.filter),
      ...(after && {
        OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }],
      }),
    },
    orderBy: newestFirst,
    include: auditInclude,
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toEntry),
    nextCursor:
      rows.length > query.limit && last ? formatKeysetCursor({ at: last.createdAt, id: last.id }) : null,
  };
}

const CSV_HEADER = ["time (UTC)", "action", "actor", "target", "details", "ip", "user agent"];

export async function exportAuditCsv(
  prisma: PrismaClient,
  accountId: string,
  filter: TAuditFilter,
  now: Date,
): Promise<TAuditExport> {
  const rows = await prisma.auditEvent.findMany({
    where: whereOf(accountId, filter),
    orderBy: newestFirst,
    include: auditInclude,
    take: AUDIT_EXPORT_MAX_ROWS + 1,
  });
  const kept = rows.slice(0, AUDIT_EXPORT_MAX_ROWS).map(toEntry);
  const csv = csvRows([
    CSV_HEADER,
    ...kept.map((entry) => [
      entry.createdAt,
      AUDIT_ACTION_LABELS[entry.action] ?? entry.action,
      entry.actor.email,
      entry.target ? (entry.target.label ?? entry.target.id) : null,
      Object.keys(entry.details).length > 0 ? JSON.stringify(entry.details) : null,
      entry.ip,
      entry.userAgent,
    ]),
  ]);
  return {
    filename: `audit-log-${now.toISOString().slice(0, 10)}.csv`,
    csv,
    rowCount: kept.length,
    isTruncated: rows.length > AUDIT_EXPORT_MAX_ROWS,
  };
}

function toEntry(row: TAuditRow): TAuditEntry {
  return {
    id: row.id,
    action: row.action as TAuditAction,
    actor: { id: row.actorId, email: row.actorEmail, name: row.actor?.name ?? null },
    target: row.targetType ? { type: row.targetType, id: row.targetId, label: row.targetLabel } : null,
    details: (row.details ?? {}) as Record<string, unknown>,
    ip: row.ip,
    userAgent: row.userAgent,
    createdAt: row.createdAt.toISOString(),
  };
}
