// The account's escalation event log: append inside the caller's transaction, read back by seq.
// Payloads are versioned (domain/payload-contracts.ts): an event this version cannot read is
// logged and left out, so a reader moves past it instead of failing.
import type { Prisma, PrismaClient } from "@handoff/db";
import type { Logger } from "../context.ts";
import type { TEscalationBusMessage, TEventBody, TEventEnvelope } from "../domain/bus-message.ts";
import { PAYLOAD_VERSION, parseEventPayload, toEventPayload } from "../domain/payload-contracts.ts";

type TLogReader = { prisma: PrismaClient; logger: Logger };

/**
 * Takes the account's next seq and writes the event. Must run inside the transaction that
 * makes the change: the account row stays locked until commit, so seq order is commit order.
 */
export async function appendEscalationEvent<TBody extends TEventBody>(
  tx: Prisma.TransactionClient,
  accountId: string,
  body: TBody,
): Promise<TEventEnvelope & TBody> {
  const { eventSeq, eventEpoch } = await tx.account.update({
    where: { id: accountId },
    data: { eventSeq: { increment: 1 } },
    select: { eventSeq: true, eventEpoch: true },
  });
  const event = await tx.escalationEvent.create({
    data: {
      accountId,
      seq: eventSeq,
      type: body.type,
      handoffId: "handoff" in body ? body.handoff.id : null,
      payload: toEventPayload(body),
    },
  });
  return {
    v: PAYLOAD_VERSION,
    accountId,
    epoch: eventEpoch,
    seq: eventSeq,
    at: event.createdAt.toISOString(),
    ...body,
  };
}

/** Events after `afterSeq`, oldest first, at most `limit` of them. */
export async function readEscalationEvents(
  { prisma, logger }: TLogReader,
  position: { accountId: string; epoch: string; afterSeq: number; limit: number },
): Promise<TEscalationBusMessage[]> {
  const rows = await prisma.escalationEvent.findMany({
    where: { accountId: position.accountId, seq: { gt: position.afterSeq } },
    orderBy: { seq: "asc" },
    take: position.limit,
  });
  return toBusMessages(rows, position.epoch, logger);
}

type TEventRow = { accountId: string; seq: number; type: string; createdAt: Date; payload: unknown };

function toBusMessages(rows: TEventRow[], epoch: string, logger: Logger): TEscalationBusMessage[] {
  return rows.flatMap((row) => {
    let body: TEventBody;
    try {
      body = parseEventPayload(row.type, row.payload);
    } catch (error) {
      logger.warn(
        { accountId: row.accountId, seq: row.seq, type: row.type, problem: String(error) },
        "skipped an event this version cannot read",
      );
      return [];
    }
    return [
      {
        v: PAYLOAD_VERSION,
        accountId: row.accountId,
        epoch,
        seq: row.seq,
        at: row.createdAt.toISOString(),
        ...body,
      },
    ];
  });
}

/**
 * The newest `limit` events up to `upToSeq`, oldest first, and how far back that read reached
 * (`completeAfter`: every event after that seq is in `messages`, unless it could not be read).
 */
export async function readLatestEscalationEvents(
  { prisma, logger }: TLogReader,
  position: { accountId: string; epoch: string; upToSeq: number; limit: number },
): Promise<{ messages: TEscalationBusMessage[]; completeAfter: number }> {
  const rows = await prisma.escalationEvent.findMany({
    where: { accountId: position.accountId, seq: { lte: position.upToSeq } },
    orderBy: { seq: "desc" },
    take: position.limit,
  });
  const isWholeLog = rows.length < position.limit;
  const completeAfter = isWholeLog ? 0 : (rows.at(-1)?.seq ?? 1) - 1;
  return { messages: toBusMessages(rows.reverse(), position.epoch, logger), completeAfter };
}
