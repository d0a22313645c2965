// The account's users as an ADMIN manages them: list, invite (a one-time link by durable email),
// change role / senior flag / team / name, deactivate and reactivate. Deactivating ends the user's
// logins in the same transaction, so their next request is refused; live streams end at the next
// login re-check (services/auth/login-watch.ts). Never lets an ADMIN touch an OWNER or anyone act on
// their own role or activity, and never reveals another account's users (NOT_FOUND).
import { createHash, randomBytes } from "node:crypto";
import type { Prisma, PrismaClient, Role } from "@handoff/db";
import type { CoreDeps } from "../../core-deps.ts";
import { AppError, isUniqueViolation } from "../../domain/app-error.ts";
import { roleToApi } from "../../domain/enum-mapping.ts";
import { hasRoleAtLeast } from "../../domain/roles.ts";
import type { TRole } from "../../schemas/enums.ts";
import type { TUserStatus, TUserSummary } from "../../schemas/outputs.ts";
import { recordAudit, type TAuditSource } from "../audit/record-audit.ts";
import type { TAuthedViewer } from "../auth/auth-service.ts";
import { announceLoginsRevoked } from "../auth/login-revocations.ts";
import { enqueueJobs } from "../jobs/job-queue.ts";
import { inviteUrl, sendEmailJob } from "../notifications/email-jobs.ts";

type TActor = Pick<TAuthedViewer, "id" | "accountId" | "role">;

/** How long an invitation link works. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const userInclude = {
  team: { select: { id: true, name: true } },
  invites: {
    where: { acceptedAt: null, revokedAt: null },
    orderBy: { createdAt: "desc" },
    take: 1,
    select: { expiresAt: true },
  },
} as const satisfies Prisma.UserInclude;

type TUserRow = Prisma.UserGetPayload<{ include: typeof userInclude }>;

function userStatus(user: TUserRow): TUserStatus {
  if (user.active) return "active";
  return user.invites.length > 0 ? "invited" : "deactivated";
}

export function toUserSummary(user: TUserRow): TUserSummary {
  const invite = user.active ? undefined : user.invites[0];
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: roleToApi(user.role),
    isSeniorTech: user.isSeniorTech,
    team: user.team,
    status: userStatus(user),
    inviteExpiresAt: invite ? invite.expiresAt.toISOString() : null,
    createdAt: user.createdAt.toISOString(),
  };
}

const roleToDb = (role: TRole) => role.toUpperCase() as Role;

export async function listUsers(prisma: PrismaClient, actor: TActor): Promise<TUserSummary[]> {
  const users = await prisma.user.findMany({
    where: { accountId: actor.accountId, deletedAt: null },
    include: userInclude,
    orderBy: [{ active: "desc" }, { name: "asc" }, { id: "asc" }],
  });
  return users.map(toUserSummary);
}

async function findUserInAccount(db: Prisma.TransactionClient, actor: TActor, userId: string) {
  const user = await db.user.findFirst({
    where: { id: userId, accountId: actor.accountId, deletedAt: null },
    include: userInclude,
  });
  if (!user) throw new AppError("NOT_FOUND", "No user with that id in your account.");
  return user;
}

async function assertTeamInAccount(db: Prisma.TransactionClient, actor: TActor, teamId: string | null) {
  if (teamId === null) return;
  const team = await db.team.findFirst({ where: { id: teamId, accountId: actor.accountId } });
  if (!team) throw new AppError("NOT_FOUND", "No team with that id in your account.");
}

/** Only an owner grants the owner role, or changes anything about an owner. */
function assertMayManage(actor: TActor, target: { role: Role } | null, newRole: TRole | undefined) {
  const isOwner = actor.role === "owner";
  if (target?.role === "OWNER" && !isOwner) {
    throw new AppError("FORBIDDEN", "Only an owner can change an owner's account.");
  }
  if (newRole === "owner" && !isOwner) {
    throw new AppError("FORBIDDEN", "Only an owner can make someone an owner.");
  }
}

function assertSeniorFlag(role: TRole, isSeniorTech: boolean) {
  if (isSeniorTech && !hasRoleAtLeast(role, "engineer")) {
    throw new AppError("BAD_REQUEST", "A viewer can't be a senior tech: give them the engineer role first.");
  }
}

export type TInviteInput = {
  email: string;
  name: string;
  role: TRole;
  isSeniorTech: boolean;
  teamId?: string | null | undefined;
};

/**
 * Invites someone by email: an inactive user without a password, a one-time link (only its hash
 * kept) and its email as a durable job, in one transaction. Inviting someone already invited sends
 * a fresh link and withdraws the old one.
 */
export async function inviteUser(
  deps: Pick<CoreDeps, "prisma" | "jobs"> & { appOrigin: string; isEmailDelivered: boolean },
  actor: TActor,
  input: TInviteInput,
  source: TAuditSource,
): Promise<{ user: TUserSummary; inviteUrl: string; isEmailed: boolean }> {
  assertMayManage(actor, null, input.role);
  assertSeniorFlag(input.role, input.isSeniorTech);
  const token = randomBytes(32).toString("base64url");
  const fields = {
    name: input.name,
    role: roleToDb(input.role),
    isSeniorTech: input.isSeniorTech,
    teamId: input.teamId ?? null,
  };
  try {
    const user = await deps.prisma.$transaction(async (tx) => {
      await assertTeamInAccount(tx, actor, fields.teamId);
      const found = await tx.user.findUnique({ where: { email: input.email }, include: userInclude });
      const existing = await releaseUnjoinedElsewhere(tx, actor, found);
      let userId: string;
      if (!existing) {
        const created = await tx.user.create({
          data: {
            ...fields,
            accountId: actor.accountId,
            email: input.email,
            passwordHash: "",
            active: false,
          },
        });
        userId = created.id;
      } else {
        const hasJoined = existing.active || existing.passwordHash !== "";
        if (existing.accountId !== actor.accountId || existing.deletedAt !== null) {
          throw new AppError("CONFLICT", CANNOT_INVITE);
        }
        if (hasJoined) {
          throw new AppError("CONFLICT", `${existing.name} is already a user of this account.`);
        }
        assertMayManage(actor, existing, input.role);
        await tx.user.update({ where: { id: existing.id }, data: fields });
        await revokeOpenInvites(tx, source, existing, "replaced");
        userId = existing.id;
      }
      const invite = await tx.invite.create({
        data: {
          accountId: actor.accountId,
          userId,
          tokenHash: hashInviteToken(token),
          sentById: actor.id,
          expiresAt: new Date(Date.now() + INVITE_TTL_MS),
        },
      });
      const notification = await tx.notification.create({
        data: {
          accountId: actor.accountId,
          inviteId: invite.id,
          recipientId: userId,
          channel: "EMAIL",
          reason: "invite",
        },
      });
      await enqueueJobs(tx, [sendEmailJob(notification, token)]);
      await recordAudit(tx, source, {
        action: "invitation.sent",
        target: { type: "user", id: userId, label: input.email },
        details: { role: input.role, expiresAt: invite.expiresAt.toISOString() },
      });
      return tx.user.findUniqueOrThrow({ where: { id: userId }, include: userInclude });
    });
    deps.jobs.kick();
    return {
      user: toUserSummary(user),
      inviteUrl: inviteUrl(deps.appOrigin, token),
      isEmailed: deps.isEmailDelivered,
    };
  } catch (error) {
    // Two admins inviting one new email at the same moment: the second sees the first's user.
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", CANNOT_INVITE);
    throw error;
  }
}

/** Says nothing of where the email is known: an admin must not learn who uses Handoff elsewhere. */
const CANNOT_INVITE = "This email cannot be invited.";

/**
 * Sign-in is by email, so an email is one user across all accounts; but someone another account
 * invited who never joined does not hold their email: that user (and its invitation, pending or
 * expired, whose link stops working) is removed, and this invitation makes a fresh one. Returns
 * the user who still holds the email, if any.
 */
async function releaseUnjoinedElsewhere<
  T extends { id: string; accountId: string; active: boolean; passwordHash: string; deletedAt: Date | null },
>(tx: Pick<PrismaClient, "user">, actor: TActor, found: T | null): Promise<T | null> {
  if (!found || found.accountId === actor.accountId) return found;
  const hasJoined = found.active || found.passwordHash !== "" || found.deletedAt !== null;
  if (hasJoined) return found;
  await tx.user.delete({ where: { id: found.id } });
  return null;
}

/** Withdraws the user's open invitation links, with an audit row when there was one. */
async function revokeOpenInvites(
  tx: Prisma.TransactionClient,
  source: TAuditSource,
  user: { id: string; email: string },
  reason: "replaced" | "deactivated",
) {
  const { count } = await tx.invite.updateMany({
    where: { userId: user.id, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) return;
  await recordAudit(tx, source, {
    action: "invitation.revoked",
    target: { type: "user", id: user.id, label: user.email },
    details: { reason },
  });
}

export function hashInviteToken(token: string): string {
  return createHash("sha256").update(`invite:${token}`).digest("hex");
}

export type TUserUpdate = {
  userId: string;
  name?: string | undefined;
  role?: TRole | undefined;
  isSeniorTech?: boolean | undefined;
  teamId?: string | null | undefined;
};

export async function updateUser(
  prisma: PrismaClient,
  actor: TActor,
  input: TUserUpdate,
  source: TAuditSource,
): Promise<TUserSummary> {
  return prisma.$transaction(async (tx) => {
    const target = await findUserInAccount(tx, actor, input.userId);
    assertMayManage(actor, target, input.role);
    if (input.role !== undefined && input.role !== roleToApi(target.role) && target.id === actor.id) {
      throw new AppError("FORBIDDEN", "You can't change your own role: ask another admin or the owner.");
    }
    const role = input.role ?? roleToApi(target.role);
    // A viewer is never a senior tech: a demotion to viewer drops the flag unless it is asked for.
    const isSeniorTech = input.isSeniorTech ?? (role === "viewer" ? false : target.isSeniorTech);
    assertSeniorFlag(role, isSeniorTech);
    if (input.teamId !== undefined) await assertTeamInAccount(tx, actor, input.teamId);
    const updated = await tx.user.update({
      where: { id: target.id },
      data: {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.role !== undefined && { role: roleToDb(input.role) }),
        isSeniorTech,
        ...(input.teamId !== undefined && { teamId: input.teamId }),
      },
      include: userInclude,
    });
    if (updated.role !== target.role) {
      await recordAudit(tx, source, {
        action: "user.role_changed",
        target: { type: "user", id: target.id, label: target.email },
        details: { from: roleToApi(target.role), to: roleToApi(updated.role) },
      });
    }
    return toUserSummary(updated);
  });
}

/**
 * Deactivates a user: inactive, every login deleted and any open invitation withdrawn, in one
 * transaction. Their HTTP calls are refused at once, and their WebSockets are closed on every
 * replica once it commits (the ended logins announced on the bus).
 */
export async function deactivateUser(
  deps: Pick<CoreDeps, "prisma" | "bus" | "logger">,
  actor: TActor,
  userId: string,
  source: TAuditSource,
): Promise<TUserSummary> {
  const { summary, endedLogins } = await deps.prisma.$transaction(async (tx) => {
    const target = await findUserInAccount(tx, actor, userId);
    if (target.id === actor.id) {
      throw new AppError("FORBIDDEN", "You can't deactivate yourself: ask another admin or the owner.");
    }
    assertMayManage(actor, target, undefined);
    const endedLogins = await tx.authSession.findMany({
      where: { userId: target.id },
      select: { tokenHash: true },
    });
    await tx.authSession.deleteMany({ where: { userId: target.id } });
    await revokeOpenInvites(tx, source, target, "deactivated");
    const updated = await tx.user.update({
      where: { id: target.id },
      data: { active: false },
      include: userInclude,
    });
    await recordAudit(tx, source, {
      action: "user.deactivated",
      target: { type: "user", id: target.id, label: target.email },
      details: { endedLogins: endedLogins.length },
    });
    return { summary: toUserSummary(updated), endedLogins };
  });
  announceLoginsRevoked(
    deps,
    endedLogins.map((login) => login.tokenHash),
  );
  return summary;
}

export async function reactivateUser(
  prisma: PrismaClient,
  actor: TActor,
  userId: string,
  source: TAuditSource,
): Promise<TUserSummary> {
  return prisma.$transaction(async (tx) => {
    const target = await findUserInAccount(tx, actor, userId);
    assertMayManage(actor, target, undefined);
    if (target.passwordHash === "") {
      throw new AppError(
        "BAD_REQUEST",
        `${target.name} never accepted their invitation: invite them again to send a new link.`,
      );
    }
    const updated = await tx.user.update({
      where: { id: target.id },
      data: { active: true },
      include: userInclude,
    });
    await recordAudit(tx, source, {
      action: "user.reactivated",
      target: { type: "user", id: target.id, label: target.email },
    });
    return toUserSummary(updated);
  });
}
