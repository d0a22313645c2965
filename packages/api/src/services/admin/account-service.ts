// The caller's account and its settings (the PSA ticket link).
import type { PrismaClient } from "@handoff/db";
import type { TAccountSettings } from "../../schemas/outputs.ts";

const settingsSelect = { id: true, name: true, psaTicketUrlTemplate: true } as const;

export function getAccountSettings(prisma: PrismaClient, accountId: string): Promise<TAccountSettings> {
  return prisma.account.findUniqueOrThrow({ where: { id: accountId }, select: settingsSelect });
}

export function updateAccountSettings(
  prisma: PrismaClient,
  accountId: string,
  /** Empty or null removes the link. */
  input: { psaTicketUrlTemplate: string | null },
): Promise<TAccountSettings> {
  return prisma.account.update({
    where: { id: accountId },
    data: { psaTicketUrlTemplate: input.psaTicketUrlTemplate || null },
    select: settingsSelect,
  });
}
