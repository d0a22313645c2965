// What a password reset link is: its token's stored hash, its URL, how long it works, and whether a
// stored one still works. Shared by the request, the email job and the reset itself.
import { createHash } from "node:crypto";
import type { Prisma } from "@handoff/db";

/** How long a reset link works. */
export const PASSWORD_RESET_TTL_MS = 30 * 60 * 1000;

export function hashResetToken(token: string): string {
  return createHash("sha256").update(`password-reset:${token}`).digest("hex");
}

/** The link in the email: the token in the fragment, which browsers never send to a server or a log. */
export function passwordResetUrl(appOrigin: string, token: string): string {
  return new URL(`/reset-password#token=${token}`, appOrigin).toString();
}

type TStoredReset = {
  usedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
  user: { active: boolean; deletedAt: Date | null };
};

/** Unused, not withdrawn, not expired, and its user may still sign in. */
export function isResetOpen(reset: TStoredReset | null, now: Date): reset is TStoredReset {
  return (
    reset !== null &&
    reset.usedAt === null &&
    reset.revokedAt === null &&
    reset.expiresAt > now &&
    reset.user.active &&
    reset.user.deletedAt === null
  );
}

/** Withdraws the user's links not used yet: a newer link, a reset or a password change replaces them. */
export async function withdrawOpenResets(tx: Prisma.TransactionClient, userId: string, now: Date) {
  await tx.passwordReset.updateMany({
    where: { userId, usedAt: null, revokedAt: null },
    data: { revokedAt: now },
  });
}
