// Handoff mutations through the real server: claims under contention, idempotency, release,
// and bad input that must be refused with the right code and write nothing.

import type { AppRouter } from "@handoff/api";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase, testDatabaseTargets } from "@handoff/db/testing";
import type { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestClient,
  login,
  startTestServer,
  type TestServer,
  WITHOUT_ASSESSMENTS,
} from "../src/testing/index.ts";

const targets = await testDatabaseTargets();

describe.each(targets)("handoffs on %s", (target) => {
  let database: Database;
  let server: TestServer;

  beforeAll(async () => {
    database = await createTestDatabase(target);
    // Exact event sequences below: see WITHOUT_ASSESSMENTS.
    server = await startTestServer({ database, ...WITHOUT_ASSESSMENTS });
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  async function clientFor(user: { email: string }) {
    return createTestClient(server, { token: await login(server, user.email) });
  }

  async function writesSnapshot() {
    const [handoffs, events, sessions] = await Promise.all([
      database.prisma.handoff.count(),
      database.prisma.escalationEvent.count(),
      database.prisma.session.findMany({ select: { id: true, status: true, handoffCount: true } }),
    ]);
    return { handoffs, events, sessions };
  }

  it("lets exactly one of two concurrent claimers win; the other's error names the winner", async () => {
    const account = await createTestAccount(database.prisma);
    const engineer = await clientFor(account.engineer);
    const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "urgent" });
    const [senior, admin] = await Promise.all([clientFor(account.senior), clientFor(account.admin)]);

    const results = await Promise.allSettled([
      senior.handoff.claim({ handoffId: card.id }),
      admin.handoff.claim({ handoffId: card.id }),
    ]);

    const won = results.filter((result) => result.status === "fulfilled");
    const lost = results.filter((result) => result.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = (won[0] as PromiseFulfilledResult<{ claimedBy: { name: string } | null }>).value.claimedBy;
    const error = (lost[0] as PromiseRejectedResult).reason as TRPCClientError<AppRouter>;
    expect(error.data?.code).toBe("CONFLICT");
    expect(error.message).toContain(`${winner?.name} claimed this`);

    const session = await database.prisma.session.findUniqueOrThrow({ where: { id: account.session.id } });
    expect(session.status).toBe("ACTIVE");
    const handoff = await database.prisma.handoff.findUniqueOrThrow({ where: { id: card.id } });
    expect(session.assigneeId).toBe(handoff.claimedById);
    const types = await database.prisma.escalationEvent.findMany({
      where: { accountId: account.account.id },
      orderBy: { seq: "asc" },
      select: { type: true },
    });
    expect(types.map(({ type }) => type)).toEqual([
      "handoff.created",
      "session.updated",
      "handoff.claimed",
      "session.updated",
    ]);
    expect((await senior.handoff.queue({})).handoffs).toEqual([]);
  });

  it("returns the first handoff for a repeated idempotency key: one handoff, one event", async () => {
    const account = await createTestAccount(database.prisma);
    const engineer = await clientFor(account.engineer);
    const input = {
      sessionId: account.session.id,
      priority: "high" as const,
      idempotencyKey: "dialog-7f3a9c21",
    };

    const [first, second] = await Promise.all([
      engineer.handoff.escalate(input),
      engineer.handoff.escalate(input),
    ]);
    const third = await engineer.handoff.escalate(input);

    expect(second.id).toBe(first.id);
    expect(third.id).toBe(first.id);
    expect(await database.prisma.handoff.count({ where: { sessionId: account.session.id } })).toBe(1);
    const events = await database.prisma.escalationEvent.findMany({
      where: { accountId: account.account.id },
      select: { type: true },
    });
    expect(events.map(({ type }) => type)).toEqual(["handoff.created", "session.updated"]);
  });

  it("refuses an idempotency key reused for a different request", async () => {
    const account = await createTestAccount(database.prisma);
    const engineer = await clientFor(account.engineer);
    const idempotencyKey = "dialog-reused-key";
    await engineer.handoff.park({ sessionId: account.session.id, idempotencyKey });

    await expect(
      engineer.handoff.escalate({ sessionId: account.session.id, priority: "urgent", idempotencyKey }),
    ).rejects.toMatchObject({ data: { code: "CONFLICT" } });
    expect(await database.prisma.handoff.count({ where: { sessionId: account.session.id } })).toBe(1);
  });

  it("lets only one of two concurrent releases through", async () => {
    const account = await createTestAccount(database.prisma);
    const card = await (await clientFor(account.engineer)).handoff.escalate({
      sessionId: account.session.id,
      priority: "normal",
    });
    const senior = await clientFor(account.senior);
    await senior.handoff.claim({ handoffId: card.id });
    const admin = await clientFor(account.admin);

    const results = await Promise.allSettled([
      senior.handoff.release({ handoffId: card.id }),
      admin.handoff.release({ handoffId: card.id }),
    ]);

    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(results.find((result) => result.status === "rejected")).toMatchObject({
      reason: { data: { code: "CONFLICT" } },
    });
    const released = await database.prisma.escalationEvent.count({
      where: { accountId: account.account.id, type: "handoff.released" },
    });
    expect(released).toBe(1);
  });

  it("refuses a second open handoff on a session with CONFLICT", async () => {
    const account = await createTestAccount(database.prisma);
    const engineer = await clientFor(account.engineer);
    await engineer.handoff.park({ sessionId: account.session.id });
    const before = await writesSnapshot();

    await expect(
      engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" }),
    ).rejects.toMatchObject({
      data: { code: "CONFLICT" },
      message: expect.stringContaining("already parked this session"),
    });
    expect(await writesSnapshot()).toEqual(before);
  });

  it("puts a released handoff back in the queue; only the claimer or an admin may release", async () => {
    const account = await createTestAccount(database.prisma);
    const engineer = await clientFor(account.engineer);
    const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "normal" });
    const senior = await clientFor(account.senior);
    await senior.handoff.claim({ handoffId: card.id });

    await expect(engineer.handoff.release({ handoffId: card.id })).rejects.toMatchObject({
      data: { code: "FORBIDDEN" },
    });
    const released = await senior.handoff.release({ handoffId: card.id });

    expect(released.claimedBy).toBeNull();
    expect((await senior.handoff.queue({})).handoffs.map((handoff) => handoff.id)).toEqual([card.id]);
    const session = await database.prisma.session.findUniqueOrThrow({ where: { id: account.session.id } });
    expect(session).toMatchObject({ status: "ESCALATED", assigneeId: null });
  });

  it("orders the queue by priority, then age, and filters by intent", async () => {
    const account = await createTestAccount(database.prisma);
    const engineer = await clientFor(account.engineer);
    const make = async (summary: string) =>
      engineer.session.create({ problemSummary: summary, problemDomain: "endpoint" });
    const [a, b, c] = [await make("Disk full A"), await make("Disk full B"), await make("Disk full C")];
    const low = await engineer.handoff.escalate({ sessionId: a.id, priority: "low" });
    const urgent = await engineer.handoff.escalate({ sessionId: b.id, priority: "urgent" });
    const parked = await engineer.handoff.park({ sessionId: c.id });

    const senior = await clientFor(account.senior);
    const { handoffs: all } = await senior.handoff.queue({});
    expect(all.map((handoff) => handoff.id)).toEqual([urgent.id, parked.id, low.id]);
    const { handoffs: escalations } = await senior.handoff.queue({ intent: "escalate" });
    expect(escalations.map((handoff) => handoff.id)).toEqual([urgent.id, low.id]);
  });

  it("gives the full handoff context: snapshot, branch map, notes and a briefing", async () => {
    const account = await createTestAccount(database.prisma);
    const engineer = await clientFor(account.engineer);
    const card = await engineer.handoff.escalate({
      sessionId: account.session.id,
      priority: "high",
      notes: "Customer is the CFO",
    });
    const detail = await (await clientFor(account.senior)).handoff.byId({ handoffId: card.id });

    expect(detail.snapshot.problemSummary).toBe(account.session.problemSummary);
    expect(detail.snapshot.branches.length).toBeGreaterThan(0);
    expect(detail.snapshot.activeBranchId).toBe(account.session.activeBranchId);
    expect(detail.notes).toBe("Customer is the CFO");
    expect(detail.briefing.text).toContain(account.engineer.name);
    expect(detail.briefing.text).toContain(account.session.problemSummary);
  });

  describe("bad input writes nothing", () => {
    type TIds = { session: string; other: string };
    it.each([
      ["an unknown session", () => ({ sessionId: "does-not-exist", priority: "high" }), "NOT_FOUND"],
      ["another tenant's session", (ids: TIds) => ({ sessionId: ids.other, priority: "high" }), "NOT_FOUND"],
      [
        "oversize notes",
        (ids: TIds) => ({ sessionId: ids.session, priority: "high", notes: "x".repeat(4001) }),
        "BAD_REQUEST",
      ],
      ["an unknown priority", (ids: TIds) => ({ sessionId: ids.session, priority: "asap" }), "BAD_REQUEST"],
      ["a wrong type", () => ({ sessionId: 42, priority: "high" }), "BAD_REQUEST"],
      ["a missing session id", () => ({ priority: "high" }), "BAD_REQUEST"],
    ] as const)("refuses %s with %s", async (_label, makeInput, code) => {
      const account = await createTestAccount(database.prisma);
      const other = await createTestAccount(database.prisma);
      const engineer = await clientFor(account.engineer);
      const before = await writesSnapshot();

      const input = makeInput({ session: account.session.id, other: other.session.id });
      await expect(engineer.handoff.escalate(input as never)).rejects.toMatchObject({ data: { code } });
      expect(await writesSnapshot()).toEqual(before);
    });

    it("refuses claims by a VIEWER (FORBIDDEN) and of another tenant's handoff (FORBIDDEN)", async () => {
      const account = await createTestAccount(database.prisma);
      const other = await createTestAccount(database.prisma);
      const card = await (await clientFor(account.engineer)).handoff.escalate({
        sessionId: account.session.id,
        priority: "high",
      });
      const before = await writesSnapshot();

      await expect(
        (await clientFor(account.viewer)).handoff.claim({ handoffId: card.id }),
      ).rejects.toMatchObject({
        data: { code: "FORBIDDEN" },
      });
      await expect(
        (await clientFor(other.senior)).handoff.claim({ handoffId: card.id }),
      ).rejects.toMatchObject({
        data: { code: "FORBIDDEN" },
      });
      expect(await writesSnapshot()).toEqual(before);
    });
  });
});
