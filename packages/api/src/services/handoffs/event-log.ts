// The account's escalation event log: appended last in the caller's transaction, read back by seq.
// Payloads are versioned (domain/payload-contracts.ts): an event this version cannot read is
// logged and left out, so a reader moves past it instead of failing. Seqs are written without gaps
// (the account row hands them out), so a gap in what is read means retention pruned those events.
import { randomUUID } from "node:crypto";
import { type Prisma, type PrismaClient, type SessionLogAction, utcTimestampSql } from "@handoff/db";
import type { TEscalationBusMessage, TEventBody, TEventEnvelope } from "../../domain/bus-message.ts";
import type { Logger } from "../../domain/logger.ts";
import { PAYLOAD_VERSION, parseEventPayload, toEventPayload } from "../../domain/payload-contracts.ts";
import { jobInsertSql, type TJobRequest } from "../jobs/job-queue.ts";

type TLogReader = { prisma: PrismaClient; logger: Logger };

/** A session change's row in the session log (see recordSessionChange). */
export type TSessionLogRow = {
  sessionId: string;
  actorId: string;
  action: SessionLogAction;
  summary: string;
};

/** What the change writes besides its events, in the same statement (a round trip fewer each). */
export type TWrittenWithEvents = {
  sessionLog?: TSessionLogRow | undefined;
  jobs?: readonly TJobRequest[] | undefined;
};

/**
 * Takes the account's next seqs and writes the events, with the change's session log row and jobs
 * when it has them, in one statement: must be the last write of the transaction that makes the
 * change. The account row stays locked from this statement until commit, so seq order is commit
 * order; taking it last keeps that lock to one round trip and the commit, whatever else the
 * transaction does (and however busy this process is meanwhile).
 */
export async function appendEscalationEvents<const TBodies extends readonly TEventBody[]>(
  tx: Prisma.TransactionClient,
  accountId: string,
  bodies: TBodies,
  { sessionLog, jobs = [] }: TWrittenWithEvents = {},
): Promise<{ -readonly [K in keyof TBodies]: TEventEnvelope & TBodies[K] }> {
  const now = new Date();
  const at = now.toISOString();
  const createdAt = utcTimestampSql(now);
  const logRows = sessionLog ? [{ id: randomUUID(), ...sessionLog }] : [];
  const rows = bodies.map((body, index) => ({
    ord: index + 1,
    id: randomUUID(),
    type: body.type,
    handoffId: "handoff" in body ? body.handoff.id : null,
    payload: toEventPayload(body),
  }));
  const count = rows.length;
  const taken = await tx.$queryRaw<{ eventSeq: number; eventEpoch: string; written: number }[]>`
    WITH "taken" AS (
      UPDATE "Account" SET "eventSeq" = "eventSeq" + ${count}::int WHERE "id" = ${accountId}
      RETURNING "eventSeq", "eventEpoch"
    ), "written" AS (
      INSERT INTO "EscalationEvent" ("id", "accountId", "seq", "type", "handoffId", "payload", "createdAt")
      SELECT "e"."id", ${accountId}, "taken"."eventSeq" - ${count}::int + "e"."ord", "e"."type",
             "e"."handoffId", "e"."payload", ${createdAt}
      FROM "taken", jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS "e"("ord" int, "id" text, "type" text, "handoffId" text, "payload" jsonb)
      RETURNING 1
    ), "logged" AS (
      INSERT INTO "SessionLogEntry" ("id", "sessionId", "actorId", "action", "summary", "createdAt")
      SELECT "l"."id", "l"."sessionId", "l"."actorId", "l"."action"::"SessionLogAction", "l"."summary",
             ${createdAt}
      FROM jsonb_to_recordset(${JSON.stringify(logRows)}::jsonb)
        AS "l"("id" text, "sessionId" text, "actorId" text, "action" text, "summary" text)
    ), "queued" AS (${jobInsertSql(jobs)})
    SELECT "eventSeq", "eventEpoch", (SELECT count(*)::int FROM "written") AS "written" FROM "taken"`;
  const head = taken[0];
  if (!head || head.written !== count) throw new Error(`No account ${accountId} to append events to.`);
  const firstSeq = head.eventSeq - count + 1;
  return bodies.map((body, index) => ({
    v: PAYLOAD_VERSION,
    accountId,
    epoch: head.eventEpoch,
    seq: firstSeq + index,
    at,
    ...body,
  })) as { -readonly [K in keyof TBodies]: TEventEnvelope & TBodies[K] };
}

/**
 * Events after `afterSeq`, oldest first, at most `limit` of them. `isPruned`: some events in that
 * range are no longer kept (retention), so whoever reads from `afterSeq` cannot be handed all of them.
 */
export async function readEscalationEvents(
  { prisma, logger }: TLogReader,
  position: { accountId: string; epoch: string; afterSeq: number; limit: number },
): Promise<{ messages: TEscalationBusMessage[]; isPruned: boolean }> {
  const rows = await prisma.escalationEvent.findMany({
    where: { accountId: position.accountId, seq: { gt: position.afterSeq } },
    orderBy: { seq: "asc" },
    take: position.limit,
  });
  const isPruned = rows.some((row, index) => row.seq !== position.afterSeq + 1 + index);
  return { messages: toBusMessages(rows, position.epoch, logger), isPruned };
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
 * (`completeAfter`: every event after that seq is in `messages`, unless it could not be read). It
 * stops at the newest gap retention left: what lies below it is not complete.
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
  const unbroken = rows.findIndex((row, index) => row.seq !== position.upToSeq - index);
  const tail = unbroken === -1 ? rows : rows.slice(0, unbroken);
  // Every seq above this is in the tail (0 when the tail reaches seq 1).
  const completeAfter = position.upToSeq - tail.length;
  return { messages: toBusMessages(tail.reverse(), position.epoch, logger), completeAfter };
}
