// Records where and when each API token was last used, and audits its first use from an address it
// was not last used from. At most one write per token and address a minute: a script polling every
// second costs no write per call. Never fails the request it records.
import type { PrismaClient } from "@handoff/db";
import type { Logger } from "../../../domain/logger.ts";
import { recordAudit, type TAuditSource } from "../../audit/record-audit.ts";

const RECORD_EVERY_MS = 60_000;

export type TokenUses = {
  /** `source` is who used it and from where, for the audit row of a new address. */
  record(use: { apiTokenId: string; clientIp: string; source: TAuditSource }): void;
};

export function createTokenUses(deps: { prisma: PrismaClient; logger: Pick<Logger, "warn"> }): TokenUses {
  const lastRecorded = new Map<string, { clientIp: string; at: number }>();
  return {
    record({ apiTokenId, clientIp, source }) {
      const now = Date.now();
      const last = lastRecorded.get(apiTokenId);
      if (last && last.clientIp === clientIp && now - last.at < RECORD_EVERY_MS) return;
      lastRecorded.set(apiTokenId, { clientIp, at: now });
      recordUse(deps.prisma, { apiTokenId, clientIp, source }, new Date(now)).catch((error: unknown) => {
        lastRecorded.delete(apiTokenId);
        deps.logger.warn({ err: error, apiTokenId }, "api token use not recorded");
      });
    },
  };
}

/**
 * One conditional update tells whether the address is new to the token (so concurrent first uses on
 * several replicas audit it once); the audit row commits with it.
 */
async function recordUse(
  prisma: PrismaClient,
  { apiTokenId, clientIp, source }: { apiTokenId: string; clientIp: string; source: TAuditSource },
  at: Date,
): Promise<void> {
  const data = { lastUsedAt: at, lastUsedIp: clientIp };
  await prisma.$transaction(async (tx) => {
    const fromNewAddress = await tx.apiToken.updateMany({
      where: { id: apiTokenId, OR: [{ lastUsedIp: null }, { lastUsedIp: { not: clientIp } }] },
      data,
    });
    if (fromNewAddress.count === 0) {
      await tx.apiToken.update({ where: { id: apiTokenId }, data });
      return;
    }
    await recordAudit(tx, source, {
      action: "api_token.used_from_new_address",
      target: { type: "api_token", id: apiTokenId },
    });
  });
}
