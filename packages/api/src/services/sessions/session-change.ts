// Every change of a session runs here: under the session's row lock, checked against the holder
// rule, written to the session log and announced as `session.updated`, all in the change's own
// transaction; the events are published after commit.
import type { Prisma, SessionLogAction } from "@handoff/db";
import type { CoreDeps } from "../../core-deps.ts";
import { AppError } from "../../domain/app-error.ts";
import type { TEventBody } from "../../domain/bus-message.ts";
import { assertMayChange } from "../../domain/holder.ts";
import type { TSessionSummary } from "../../schemas/outputs.ts";
import type { TAuthedViewer } from "../auth/auth-service.ts";
import { appendEscalationEvents, type TSessionLogRow } from "../handoffs/event-log.ts";
import { publishInBackground } from "../handoffs/event-publisher.ts";
import { applyPolicyToSessionChange, claimedEscalation } from "../policy/policy-activity.ts";
import {
  loadSessionSummary,
  sessionSummaryInclude,
  type TSessionWithSummary,
  toSessionSummary,
} from "./session-summary.ts";

export type TSessionActor = Pick<TAuthedViewer, "id" | "accountId" | "role">;
type TChangeDeps = Pick<CoreDeps, "prisma" | "bus" | "logger" | "clock">;

const person = { select: { id: true, name: true } } as const;
const lockedInclude = { owner: person, assignee: person } satisfies Prisma.SessionInclude;
export type TLockedSession = Prisma.SessionGetPayload<{ include: typeof lockedInclude }>;

/**
 * Locks the session row until commit. Changes to one session (and claims of its handoff) queue up
 * on this lock, so the holder a change is checked against is the holder it commits under. Another
 * account's session is NOT_FOUND, as if it did not exist.
 */
export async function lockSessionRow(
  tx: Prisma.TransactionClient,
  accountId: string,
  sessionId: string,
): Promise<void> {
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Session" WHERE "id" = ${sessionId} AND "accountId" = ${accountId} FOR UPDATE`;
  if (locked.length === 0) throw new AppError("NOT_FOUND", "No session with that id in your account.");
}

/**
 * Locks the session of a handoff, as lockSessionRow does, for work that starts from the handoff
 * (background jobs). False when the handoff is gone.
 */
export async function lockSessionOfHandoff(
  tx: Prisma.TransactionClient,
  handoffId: string,
): Promise<boolean> {
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT "s"."id" FROM "Session" AS "s" JOIN "Handoff" AS "h" ON "h"."sessionId" = "s"."id"
    WHERE "h"."id" = ${handoffId}
    FOR UPDATE OF "s"`;
  return locked.length > 0;
}

/**
 * Locks the session row (see lockSessionRow) and reads the session with its holder's people, plus
 * whatever else the change needs (`include`), in one read.
 */
export async function lockSession<
  TInclude extends Omit<Prisma.SessionInclude, keyof typeof lockedInclude> = Record<never, never>,
>(
  tx: Prisma.TransactionClient,
  accountId: string,
  sessionId: string,
  include?: TInclude,
): Promise<Prisma.SessionGetPayload<{ include: typeof lockedInclude & TInclude }>> {
  await lockSessionRow(tx, accountId, sessionId);
  const session = await tx.session.findUniqueOrThrow({
    where: { id: sessionId },
    include: { ...include, ...lockedInclude },
  });
  return session as Prisma.SessionGetPayload<{ include: typeof lockedInclude & TInclude }>;
}

export type TSessionChangeRecord = {
  accountId: string;
  sessionId: string;
  actorId: string;
  action: SessionLogAction;
  /** What changed, in words, for the session log. */
  summary: string;
  /** What the change itself sets on the session row, written with its updatedAt in one statement. */
  sessionWrites?: Prisma.SessionUncheckedUpdateInput;
  /**
   * The summary's relations as they are once the change is written, when the caller already holds
   * them (read under the session's lock): the row is then written without reading them again.
   */
  relationsAfter?: TSummaryRelations;
};

export type TSummaryRelations = Pick<
  TSessionWithSummary,
  "account" | "owner" | "assignee" | "team" | "activeBranch" | "handoffs"
>;

export type TRecordedSessionChange = {
  event: { type: "session.updated"; session: TSessionSummary };
  /** Written with the events (appendEscalationEvents), in the same statement. */
  logRow: TSessionLogRow;
};

/**
 * Marks the session as just active; resolves to its `session.updated` event and its log row. The
 * caller must pass both to appendEscalationEvents, with the change's other events, as the
 * transaction's last write: the log row is written there, not here.
 */
export async function recordSessionChange(
  tx: Prisma.TransactionClient,
  change: TSessionChangeRecord,
): Promise<TRecordedSessionChange> {
  const logRow = {
    sessionId: change.sessionId,
    actorId: change.actorId,
    action: change.action,
    summary: change.summary,
  };
  const where = { id: change.sessionId };
  const data = { ...change.sessionWrites, updatedAt: new Date() };
  const session = change.relationsAfter
    ? { ...(await tx.session.update({ where, data })), ...change.relationsAfter }
    : await tx.session.update({ where, data, include: sessionSummaryInclude });
  return { event: { type: "session.updated", session: toSessionSummary(session) }, logRow };
}

export type TSessionChange<T> = {
  result: T;
  /** What changed, for the session log; null when nothing did (then no log row, no event). */
  log: { action: SessionLogAction; summary: string } | null;
  /** Events of the change besides session.updated (e.g. handoff.cancelled); they precede it. */
  events?: TEventBody[];
};

/**
 * Runs `apply` on the locked session if the actor holds it (or is ADMIN+), then logs and announces
 * the change. Resolves to apply's result and the session as it now is.
 */
export async function changeSession<T>(
  deps: TChangeDeps,
  actor: TSessionActor,
  sessionId: string,
  apply: (tx: Prisma.TransactionClient, session: TLockedSession) => Promise<TSessionChange<T>>,
): Promise<{ result: T; session: TSessionSummary }> {
  const { result, session, events } = await deps.prisma.$transaction(async (tx) => {
    const locked = await lockSession(tx, actor.accountId, sessionId, { handoffs: claimedEscalation });
    assertMayChange(actor, locked);
    const change = await apply(tx, locked);
    if (!change.log)
      return { result: change.result, session: await loadSessionSummary(tx, sessionId), events: [] };
    const { event, logRow } = await recordSessionChange(tx, {
      accountId: actor.accountId,
      sessionId,
      actorId: actor.id,
      ...change.log,
    });
    const jobs = await applyPolicyToSessionChange(tx, {
      sessionId,
      action: change.log.action,
      now: deps.clock.now(),
      claimedEscalationId: locked.handoffs[0]?.id ?? null,
    });
    const events = await appendEscalationEvents(tx, actor.accountId, [...(change.events ?? []), event], {
      sessionLog: logRow,
      jobs,
    });
    return { result: change.result, session: event.session, events };
  });
  publishInBackground(deps, events);
  return { result, session };
}
