// The account's escalation event log: append inside the caller's transaction, read back by seq.
import type { Prisma, PrismaClient } from "@handoff/db";
import type { TEscalationBusMessage } from "../domain/bus-message.ts";
import type { TEscalationEventType, THandoffCard } from "../schemas/outputs.ts";

/**
 * Takes the account's next seq and writes the event. Must run inside the transaction that
 * changes the handoff: the account row stays locked until commit, so seq order is commit order.
 */
export async function appendEscalationEvent(
  tx: Prisma.TransactionClient,
  accountId: string,
  type: TEscalationEventType,
  handoff: THandoffCard,
): Promise<TEscalationBusMessage> {
  const { eventSeq, eventEpoch } = await tx.account.update({
    where: { id: accountId },
    data: { eventSeq: { increment: 1 } },
    select: { eventSeq: true, eventEpoch: true },
  });
  const event = await tx.escalationEvent.create({
    data: { accountId, seq: eventSeq, type, handoffId: handoff.id, payload: handoff },
  });
  return { accountId, epoch: eventEpoch, seq: eventSeq, type, at: event.createdAt.toISOString(), handoff };
}

/** Events after `afterSeq`, oldest first, at most `limit` of them. */
export async function readEscalationEvents(
  prisma: PrismaClient,
  position: { accountId: string; epoch: string; afterSeq: number; limit: number },
): Promise<TEscalationBusMessage[]> {
  const rows = await prisma.escalationEvent.findMany({
    where: { accountId: position.accountId, seq: { gt: position.afterSeq } },
    orderBy: { seq: "asc" },
    take: position.limit,
  });
  return rows.map((row) => toBusMessage(row, position.epoch));
}

type TEventRow = { accountId: string; seq: number; type: string; createdAt: Date; payload: unknown };

function toBusMessage(row: TEventRow, epoch: string): TEscalationBusMessage {
  return {
    accountId: row.accountId,
    epoch,
    seq: row.seq,
    type: row.type as TEscalationEventType,
    at: row.createdAt.toISOString(),
    handoff: row.payload as THandoffCard,
  };
}

/** The newest `limit` events up to `upToSeq`, oldest first. */
export async function readLatestEscalationEvents(
  prisma: PrismaClient,
  position: { accountId: string; epoch: string; upToSeq: number; limit: number },
): Promise<TEscalationBusMessage[]> {
  const rows = await prisma.escalationEvent.findMany({
    where: { accountId: position.accountId, seq: { lte: position.upToSeq } },
    orderBy: { seq: "desc" },
    take: position.limit,
  });
  return rows.reverse().map((row) => toBusMessage(row, position.epoch));
}
