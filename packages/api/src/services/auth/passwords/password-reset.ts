// Forgotten passwords: ask for a one-time link by email, then choose a new password through it.
// Asking answers the same for every email, known or not, and looks the email up only after the
// answer is on its way, so neither the answer nor its timing tells which emails have an account.
// Using a link ends every login of its user, and is audited. Never stores a token, only its hash.
import { randomBytes } from "node:crypto";
import { hashPassword } from "@handoff/db";
import type { CoreDeps } from "../../../core-deps.ts";
import { AppError } from "../../../domain/app-error.ts";
import { auditSourceOfUser, recordAudit } from "../../audit/record-audit.ts";
import { enqueueJobs } from "../../jobs/job-queue.ts";
import { sendPasswordResetJob } from "./reset-email-job.ts";
import { hashResetToken, isResetOpen, PASSWORD_RESET_TTL_MS, withdrawOpenResets } from "./reset-link.ts";
import type { PasswordResetThrottle } from "./reset-throttle.ts";

const LINK_NOT_VALID =
  "This password reset link is no longer valid: it was used, replaced by a newer one or has expired. Ask for a new link.";

type TResetDeps = Pick<CoreDeps, "prisma" | "jobs" | "logger" | "clock"> & {
  passwordResetThrottle: PasswordResetThrottle;
};

/**
 * Counts the request against the email's and the address's budgets, then issues the link in the
 * background: the caller's answer never waits for the lookup or the writes. A link that could not
 * be issued (the database down) is logged; the user asks again.
 */
export async function requestPasswordReset(
  deps: TResetDeps,
  input: { email: string; clientIp: string },
): Promise<void> {
  await deps.passwordResetThrottle.admit(input);
  void issueResetLink(deps, input.email).catch((error: unknown) =>
    deps.logger.error({ err: error }, "password reset link not issued"),
  );
}

/** A new link for an active user (withdrawing their older ones) and its email job; nothing for anyone else. */
async function issueResetLink(deps: TResetDeps, email: string): Promise<void> {
  const user = await deps.prisma.user.findUnique({ where: { email } });
  if (!user?.active || user.deletedAt !== null) return;
  const token = randomBytes(32).toString("base64url");
  const now = deps.clock.now();
  await deps.prisma.$transaction(async (tx) => {
    // Two requests at one moment take turns, so only the later link stays open.
    await tx.$queryRaw`SELECT "id" FROM "User" WHERE "id" = ${user.id} FOR UPDATE`;
    await withdrawOpenResets(tx, user.id, now);
    const reset = await tx.passwordReset.create({
      data: {
        userId: user.id,
        tokenHash: hashResetToken(token),
        expiresAt: new Date(now.getTime() + PASSWORD_RESET_TTL_MS),
      },
    });
    await enqueueJobs(tx, [sendPasswordResetJob({ resetId: reset.id, accountId: user.accountId, token })]);
  });
  deps.jobs.kick();
}

/**
 * Uses a link once: the new password is set, the user's other links are withdrawn and every login
 * of theirs ends. Returns the email, for the sign-in form that follows.
 */
export async function resetPassword(
  deps: Pick<CoreDeps, "prisma" | "clock">,
  input: { token: string; password: string; clientIp: string; userAgent: string | null },
): Promise<{ email: string }> {
  const now = deps.clock.now();
  const reset = await deps.prisma.passwordReset.findUnique({
    where: { tokenHash: hashResetToken(input.token) },
    include: { user: true },
  });
  if (!isResetOpen(reset, now)) throw new AppError("NOT_FOUND", LINK_NOT_VALID);
  const passwordHash = await hashPassword(input.password);
  await deps.prisma.$transaction(async (tx) => {
    // Claimed with a conditional update, so two uses of one link at the same moment cannot both win.
    const { count } = await tx.passwordReset.updateMany({
      where: { id: reset.id, usedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (count === 0) throw new AppError("NOT_FOUND", LINK_NOT_VALID);
    await withdrawOpenResets(tx, reset.userId, now);
    await tx.user.update({ where: { id: reset.userId }, data: { passwordHash } });
    await tx.authSession.deleteMany({ where: { userId: reset.userId } });
    // Nobody is signed in: the link's user did it, from the address that used the link.
    await recordAudit(tx, auditSourceOfUser(reset.user, input), { action: "password.reset" });
  });
  return { email: reset.user.email };
}
