// The owner's switch: require two-factor sign-in for every member of the account. Members without
// it set it up at their next sign-in (before any login is made for them); logins already open stay.
import type { PrismaClient } from "@handoff/db";
import { AppError } from "../../../domain/app-error.ts";
import { recordAudit, type TAuditSource } from "../../audit/record-audit.ts";

export async function setTwoFactorRequired(
  prisma: PrismaClient,
  actor: { role: string },
  isRequired: boolean,
  source: TAuditSource,
): Promise<{ isRequired: boolean; membersWithout: number }> {
  if (actor.role !== "owner") {
    throw new AppError("FORBIDDEN", "Only the owner can require two-factor sign-in for the account.");
  }
  return prisma.$transaction(async (tx) => {
    const before = await tx.account.findUniqueOrThrow({ where: { id: source.accountId } });
    if (before.requireTwoFactor !== isRequired) {
      await tx.account.update({ where: { id: source.accountId }, data: { requireTwoFactor: isRequired } });
      await recordAudit(tx, source, {
        action: "account.two_factor_required",
        target: { type: "account", id: source.accountId, label: before.name },
        details: { isRequired },
      });
    }
    const membersWithout = await tx.user.count({
      where: { accountId: source.accountId, deletedAt: null, active: true, totpEnabledAt: null },
    });
    return { isRequired, membersWithout };
  });
}
