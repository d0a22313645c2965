// Writes one audit row. Call it with the transaction of the change it records, so the row and
// the change commit (or roll back) together. Must never throw for a missing actor or origin: a
// sign-in failure from an unknown device still gets its row.
import type { Prisma } from "@handoff/db";
import type { TAuditAction } from "../../shared/audit-actions.ts";

/** Who did it and from where; built once per request (see auditSourceOf). */
export type TAuditSource = {
  accountId: string;
  actor: { id: string; email: string } | null;
  ip: string | null;
  userAgent: string | null;
};

export type TAuditTarget = { type: string; id: string | null; label?: string | null };

export type TAuditRecord = {
  action: TAuditAction;
  target?: TAuditTarget | null;
  details?: Prisma.InputJsonObject;
};

/** A user agent is kept to this length: enough to tell browsers apart, never a whole header dump. */
const USER_AGENT_MAX = 300;

export async function recordAudit(
  db: Pick<Prisma.TransactionClient, "auditEvent">,
  source: TAuditSource,
  record: TAuditRecord,
): Promise<void> {
  await db.auditEvent.create({
    data: {
      accountId: source.accountId,
      actorId: source.actor?.id ?? null,
      actorEmail: source.actor?.email ?? null,
      action: record.action,
      targetType: record.target?.type ?? null,
      targetId: record.target?.id ?? null,
      targetLabel: record.target?.label ?? null,
      details: record.details ?? {},
      ip: source.ip,
      userAgent: source.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
    },
  });
}

/** The source of a signed-in caller's changes. */
export function auditSourceOf(ctx: {
  viewer: { id: string; email: string; accountId: string };
  transport: { clientIp: string; userAgent?: string | null | undefined };
}): TAuditSource {
  return {
    accountId: ctx.viewer.accountId,
    actor: { id: ctx.viewer.id, email: ctx.viewer.email },
    ip: ctx.transport.clientIp,
    userAgent: ctx.transport.userAgent ?? null,
  };
}

/** The source of a user's own change made without a login (a sign-in, a password reset link). */
export function auditSourceOfUser(
  user: { id: string; email: string; accountId: string },
  from: { clientIp: string; userAgent?: string | null | undefined },
): TAuditSource {
  return {
    accountId: user.accountId,
    actor: { id: user.id, email: user.email },
    ip: from.clientIp,
    userAgent: from.userAgent ?? null,
  };
}
