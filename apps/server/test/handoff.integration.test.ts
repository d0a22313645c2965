// Handoff mutations through the real server: claims under contention, idempotency, release,
// and bad input that must be refused with the right code and write nothing.

import type { AppRouter } from "@handoff/api";
import { createTestAccount, testDatabaseTargets } from "@handoff/db/testing";
import type { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { WITHOUT_ASSESSMENTS } from "../src/testing/index.ts";
import { useTestServer } from "./support/use-test-server.ts";

const targets = await testDatabaseTargets();

describe.each(targets)("handoffs on %s", (target) => {
  // Exact event sequences below: see WITHOUT_ASSESSMENTS.
  const app = useTestServer({ target, server: WITHOUT_ASSESSMENTS });

  async function writesSnapshot() {
    const [handoffs, events, sessions] = await Promise.all([
      app.prisma.handoff.count(),
      app.prisma.escalationEvent.count(),
      app.prisma.session.findMany({ select: { id: true, status: true, handoffCount: true } }),
    ]);
    return { handoffs, events, sessions };
  }

  it("lets exactly one of two concurrent claimers win; the other's error names the winner", async () => {
    const account = await createTestAccount(app.prisma);
    const engineer = await app.clientFor(account.engineer);
    const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "urgent" });
    const [senior, admin] = await Promise.all([app.clientFor(account.senior), app.clientFor(account.admin)]);

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

    const session = await app.prisma.session.findUniqueOrThrow({ where: { id: account.session.id } });
    expect(session.status).toBe("ACTIVE");
    const handoff = await app.prisma.handoff.findUniqueOrThrow({ where: { id: card.id } });
    expect(session.assigneeId).toBe(handoff.claimedById);
    const types = await app.prisma.escalationEvent.findMany({
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
    const account = await createTestAccount(app.prisma);
    const engineer = await app.clientFor(account.engineer);
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
    expect(await app.prisma.handoff.count({ where: { sessionId: account.session.id } })).toBe(1);
    const events = await app.prisma.escalationEvent.findMany({
      where: { accountId: account.account.id },
      select: { type: true },
    });
    expect(events.map(({ type }) => type)).toEqual(["handoff.created", "session.updated"]);
  });

  it("refuses an idempotency key reused for a different request", async () => {
    const account = await createTestAccount(app.prisma);
    const engineer = await app.clientFor(account.engineer);
    const idempotencyKey = "dialog-reused-key";
    await engineer.handoff.park({ sessionId: account.session.id, idempotencyKey });

    await expect(
      engineer.handoff.escalate({ sessionId: account.session.id, priority: "urgent", idempotencyKey }),
    ).rejects.toMatchObject({ data: { code: "CONFLICT" } });
    expect(await app.prisma.handoff.count({ where: { sessionId: account.session.id } })).toBe(1);
  });

  it("lets only one of two concurrent releases through", async () => {
    const account = await createTestAccount(app.prisma);
    const card = await (await app.clientFor(account.engineer)).handoff.escalate({
      sessionId: account.session.id,
      priority: "normal",
    });
    const senior = await app.clientFor(account.senior);
    await senior.handoff.claim({ handoffId: card.id });
    const admin = await app.clientFor(account.admin);

    const results = await Promise.allSettled([
      senior.handoff.release({ handoffId: card.id }),
      admin.handoff.release({ handoffId: card.id }),
    ]);

    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(results.find((result) => result.status === "rejected")).toMatchObject({
      reason: { data: { code: "CONFLICT" } },
    });
    const released = await app.prisma.escalationEvent.count({
      where: { accountId: account.account.id, type: "handoff.released" },
    });
    expect(released).toBe(1);
  });

  it("refuses a second open handoff on a session with CONFLICT", async () => {
    const account = await createTestAccount(app.prisma);
    const engineer = await app.clientFor(account.engineer);
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
    const account = await createTestAccount(app.prisma);
    const engineer = await app.clientFor(account.engineer);
    const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "normal" });
    const senior = await app.clientFor(account.senior);
    await senior.handoff.claim({ handoffId: card.id });

    await expect(engineer.handoff.release({ handoffId: card.id })).rejects.toMatchObject({
      data: { code: "FORBIDDEN" },
    });
    const released = await senior.handoff.release({ handoffId: card.id });

    expect(released.claimedBy).toBeNull();
    expect((await senior.handoff.queue({})).handoffs.map((handoff) => handoff.id)).toEqual([card.id]);
    const session = await app.prisma.session.findUniqueOrThrow({ where: { id: account.session.id } });
    expect(session).toMatchObject({ status: "ESCALATED", assigneeId: null });
  });

  it("orders the queue by priority, then age, and filters by intent", async () => {
    const account = await createTestAccount(app.prisma);
    const engineer = await app.clientFor(account.engineer);
    const make = async (summary: string) =>
      engineer.session.create({ problemSummary: summary, problemDomain: "endpoint" });
    const [a, b, c] = [await make("Disk full A"), await make("Disk full B"), await make("Disk full C")];
    const low = await engineer.handoff.escalate({ sessionId: a.id, priority: "low" });
    const urgent = await engineer.handoff.escalate({ sessionId: b.id, priority: "urgent" });
    const parked = await engineer.handoff.park({ sessionId: c.id });

    const senior = await app.clientFor(account.senior);
    const { handoffs: all } = await senior.handoff.queue({});
    expect(all.map((handoff) => handoff.id)).toEqual([urgent.id, parked.id, low.id]);
    // The card each escalation answered with is the card the queue reads, field for field.
    expect(all).toEqual([urgent, parked, low]);
    const { handoffs: escalations } = await senior.handoff.queue({ intent: "escalate" });
    expect(escalations.map((handoff) => handoff.id)).toEqual([urgent.id, low.id]);
  });

  it("gives the full handoff context: snapshot, branch map, notes and a briefing", async () => {
    const account = await createTestAccount(app.prisma);
    const engineer = await app.clientFor(account.engineer);
    const card = await engineer.handoff.escalate({
      sessionId: account.session.id,
      priority: "high",
      notes: "Customer is the CFO",
    });
    const detail = await (await app.clientFor(account.senior)).handoff.byId({ handoffId: card.id });

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
      const account = await createTestAccount(app.prisma);
      const other = await createTestAccount(app.prisma);
      const engineer = await app.clientFor(account.engineer);
      const before = await writesSnapshot();

      const input = makeInput({ session: account.session.id, other: other.session.id });
      await expect(engineer.handoff.escalate(input as never)).rejects.toMatchObject({ data: { code } });
      expect(await writesSnapshot()).toEqual(before);
    });

    it("refuses claims by a VIEWER (FORBIDDEN) and of another tenant's handoff (NOT_FOUND)", async () => {
      const account = await createTestAccount(app.prisma);
      const other = await createTestAccount(app.prisma);
      const card = await (await app.clientFor(account.engineer)).handoff.escalate({
        sessionId: account.session.id,
        priority: "high",
      });
      const before = await writesSnapshot();

      await expect(
        (await app.clientFor(account.viewer)).handoff.claim({ handoffId: card.id }),
      ).rejects.toMatchObject({
        data: { code: "FORBIDDEN" },
      });
      await expect(
        (await app.clientFor(other.senior)).handoff.claim({ handoffId: card.id }),
      ).rejects.toMatchObject({
        data: { code: "NOT_FOUND" },
      });
      expect(await writesSnapshot()).toEqual(before);
    });

    it("answers another account's handoff id exactly as a missing one, everywhere it is taken", async () => {
      const account = await createTestAccount(app.prisma);
      const other = await createTestAccount(app.prisma);
      const card = await (await app.clientFor(account.engineer)).handoff.escalate({
        sessionId: account.session.id,
        priority: "high",
      });
      const outsider = await app.clientFor(other.admin);
      const before = await writesSnapshot();
      const answerTo = (handoffId: string) =>
        Promise.all(
          [
            outsider.handoff.byId({ handoffId }),
            outsider.handoff.claim({ handoffId }),
            outsider.handoff.release({ handoffId }),
            outsider.handoff.regenerateBriefing({ handoffId }),
            outsider.psa.notes({ handoffId }),
          ].map((call) =>
            call.then(
              () => "answered",
              (error: TRPCClientError<AppRouter>) => ({ code: error.data?.code, message: error.message }),
            ),
          ),
        );
      const missing = await answerTo("h_does_not_exist");
      expect(missing[0]).toEqual({ code: "NOT_FOUND", message: "No handoff with that id." });
      expect(await answerTo(card.id)).toEqual(missing);
      expect(await writesSnapshot()).toEqual(before);
      await outsider.close();
    });
  });
});
