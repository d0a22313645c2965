// The invitee's side of an invitation: read what the link is for, then use it once to choose a
// password and sign in. Only the token's hash is stored; a used, withdrawn or expired link is
// refused with the same message, whoever asks.
import { hashPassword, type PrismaClient } from "@handoff/db";
import { AppError } from "../domain/app-error.ts";
import { hashInviteToken } from "./admin/users.ts";
import { startAuthSession, type TAuthedViewer } from "./auth-service.ts";

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
    return startAuthSession({ prisma: tx, authSessionTtlMs: deps.authSessionTtlMs }, invite.userId);
  });
}
