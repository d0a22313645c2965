// The invitee's side of an invitation: read what the link is for, then use it once to choose a
// password and sign in. Only the token's hash is stored; a used, withdrawn or expired link is
// refused with the same message, whoever asks.
import { hashPassword, type PrismaClient } from "@handoff/db";
import { AppError } from "../../domain/app-error.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { startAuthSession, type TAuthedViewer } from "../auth/auth-service.ts";
import { hashInviteToken } from "./users.ts";

const LINK_NOT_VALID =
  "This invitation link is no longer valid: it was used, replaced or has expired. Ask your admin for a new one.";

async function findOpenInvite(prisma: PrismaClient, token: string) {
  const invite = await prisma.invite.findUnique({
    where: { tokenHash: hashInviteToken(token) },
    include: { user: true, account: { select: { name: true } } },
  });
  const isOpen =
    invite &&
    invite.acceptedAt === null &&
    invite.revokedAt === null &&
    invite.expiresAt > new Date() &&
    invite.user.deletedAt === null;
  if (!isOpen) throw new AppError("NOT_FOUND", LINK_NOT_VALID);
  return invite;
}

export async function getInvitation(
  prisma: PrismaClient,
  token: string,
): Promise<{ name: string; email: string; accountName: string; expiresAt: string }> {
  const invite = await findOpenInvite(prisma, token);
  return {
    name: invite.user.name,
    email: invite.user.email,
    accountName: invite.account.name,
    expiresAt: invite.expiresAt.toISOString(),
  };
}

/** Uses the link: the password is set, the user activated and signed in; the link never works again. */
export async function acceptInvitation(
  deps: { prisma: PrismaClient; authSessionTtlMs: number },
  input: { token: string; password: string },
  origin: { ip: string; userAgent: string | null },
): Promise<{ viewer: TAuthedViewer; token: string; expiresAt: Date }> {
  const invite = await findOpenInvite(deps.prisma, input.token);
  const passwordHash = await hashPassword(input.password);
  return deps.prisma.$transaction(async (tx) => {
    // Claimed with a conditional update, so two uses of one link at the same moment cannot both win.
    const { count } = await tx.invite.updateMany({
      where: { id: invite.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      data: { acceptedAt: new Date() },
    });
    if (count === 0) throw new AppError("NOT_FOUND", LINK_NOT_VALID);
    await tx.user.update({ where: { id: invite.userId }, data: { passwordHash, active: true } });
    await recordAudit(
      tx,
      { accountId: invite.accountId, actor: { id: invite.userId, email: invite.user.email }, ...origin },
      {
        action: "invitation.accepted",
        target: { type: "user", id: invite.userId, label: invite.user.email },
      },
    );
    return startAuthSession({ prisma: tx, authSessionTtlMs: deps.authSessionTtlMs }, invite.userId);
  });
}

/**
 * Accepts the user's open invitation without a password (they proved their email to the account's
 * single sign-on) and activates them; false when they have none (never invited, or deactivated).
 */
export async function acceptInvitationBySso(prisma: PrismaClient, userId: string): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.invite.updateMany({
      where: { userId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      data: { acceptedAt: new Date() },
    });
    if (count === 0) return false;
    await tx.user.update({ where: { id: userId }, data: { active: true } });
    return true;
  });
}
