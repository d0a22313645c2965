// A signed-in user changes their password: the current one is required, and a wrong one counts as
// a failed sign-in (../login-protection.ts), so a stolen session cannot guess at it freely. The new
// password ends every other login of the user and withdraws their open reset links; this login stays.
// The change is audited.
import { hashPassword, verifyPassword } from "@handoff/db";
import type { CoreDeps } from "../../../core-deps.ts";
import { AppError } from "../../../domain/app-error.ts";
import { recordAudit, type TAuditSource } from "../../audit/record-audit.ts";
import type { TAuthedViewer } from "../auth-service.ts";
import type { LoginProtection } from "../login-protection.ts";
import { withdrawOpenResets } from "./reset-link.ts";

export async function changePassword(
  deps: Pick<CoreDeps, "prisma" | "clock"> & { loginProtection: LoginProtection },
  viewer: Pick<TAuthedViewer, "id" | "email" | "authSessionId">,
  source: TAuditSource,
  input: { currentPassword: string; newPassword: string; clientIp: string; deviceToken: string | null },
): Promise<{ endedLogins: number }> {
  const attempt = await deps.loginProtection.admit({
    email: viewer.email,
    clientIp: input.clientIp,
    deviceToken: input.deviceToken,
  });
  const user = await deps.prisma.user.findUniqueOrThrow({ where: { id: viewer.id } });
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await attempt.failed();
    // Not UNAUTHORIZED: that would read as "your login ended" and sign the user out.
    throw new AppError("BAD_REQUEST", "That is not your current password.");
  }
  await attempt.succeeded();
  const passwordHash = await hashPassword(input.newPassword);
  const ended = await deps.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: viewer.id }, data: { passwordHash } });
    await withdrawOpenResets(tx, viewer.id, deps.clock.now());
    await recordAudit(tx, source, { action: "password.changed" });
    // API tokens stay: their owner is signed in and in control (a reset, by email, ends them too).
    return tx.authSession.deleteMany({
      where: { userId: viewer.id, id: { not: viewer.authSessionId }, apiToken: { is: null } },
    });
  });
  return { endedLogins: ended.count };
}
