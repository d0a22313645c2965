// The session workspace through the real server and @trpc/client: the holder rule, the session
// log, resolve withdrawing a waiting handoff (live, and exactly once after a reconnect), and bad
// input, other tenants and other roles refused with nothing written.

import { type AppRouter, parseEventId, type TEscalationEvent } from "@handoff/api";
import { createTestAccount, type TestAccount, testDatabaseTargets } from "@handoff/db/testing";
import type { TRPCClientError } from "@trpc/client";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { WITHOUT_ASSESSMENTS } from "../src/testing/index.ts";
import { collectEvents, seqsOf } from "./support/event-collector.ts";
import { useTestServer } from "./support/use-test-server.ts";

describe.each(await testDatabaseTargets())("the session workspace on %s", (target) => {
  // Exact event sequences below: see WITHOUT_ASSESSMENTS.
  const app = useTestServer({ target, server: WITHOUT_ASSESSMENTS });

  /** Everything a refused call must leave untouched. */
  async function writesSnapshot() {
    const [sessions, branches, messages, log, handoffs, events] = await Promise.all([
      app.prisma.session.findMany({ orderBy: { id: "asc" } }),
      app.prisma.sessionBranch.findMany({ orderBy: { id: "asc" } }),
      app.prisma.sessionMessage.count(),
      app.prisma.sessionLogEntry.count(),
      app.prisma.handoff.findMany({ orderBy: { id: "asc" } }),
      app.prisma.escalationEvent.count(),
    ]);
    return { sessions, branches, messages, log, handoffs, events };
  }

  it("lets the owner work a session: every change is one log row and one session.updated event", async () => {
    const account = await createTestAccount(app.prisma);
    const alice = await app.clientFor(account.engineer);

    const created = await alice.session.create({
      problemSummary: "Teams calls drop after 30 s",
      problemDomain: "Microsoft 365 / Teams",
      teamId: account.team.id,
      psaTicketId: "CW-51007",
      confidenceTier: "low",
    });
    expect(created).toMatchObject({
      status: "active",
      psaTicketId: "CW-51007",
      psaTicketUrl: null,
      team: { id: account.team.id },
      holder: { id: account.engineer.id, name: account.engineer.name },
      stepCount: 0,
    });

    await alice.session.update({ sessionId: created.id, confidenceTier: "medium", psaTicketId: "CW-51008" });
    await alice.session.addEntry({ sessionId: created.id, kind: "step", body: "Checked QoS tags" });
    const firewall = await alice.session.openBranch({ sessionId: created.id, label: "Firewall UDP timeout" });
    const child = await alice.session.openBranch({
      sessionId: created.id,
      parentId: firewall.id,
      label: "Raise UDP 3478 idle timeout",
    });
    const step = await alice.session.addEntry({ sessionId: created.id, kind: "step", body: "Set 120 s" });
    await alice.session.addEntry({ sessionId: created.id, kind: "note", body: "Line one\nline two" });
    await alice.session.setBranch({
      sessionId: created.id,
      branchId: child.id,
      status: "dead_end",
      outcome: "Still drops at 30 s",
    });
    const resolved = await alice.session.resolve({
      sessionId: created.id,
      resolution: "SIP ALG on the ISP router rewrote the media ports; disabled it.",
    });
    const reopened = await alice.session.reopen({ sessionId: created.id });

    expect(step).toMatchObject({
      kind: "step",
      branchId: child.id,
      author: { id: account.engineer.id, name: account.engineer.name },
    });
    expect(resolved).toMatchObject({ status: "resolved", resolution: expect.stringContaining("SIP ALG") });
    expect(reopened).toMatchObject({ status: "active", resolution: null, resolvedAt: null });

    const detail = await alice.session.byId({ sessionId: created.id });
    expect(detail).toMatchObject({
      stepCount: 2,
      confidenceTier: "medium",
      psaTicketId: "CW-51008",
      activeBranchId: firewall.id,
      activeBranch: { id: firewall.id, label: "Firewall UDP timeout" },
    });
    expect(detail.branches).toEqual([
      { id: firewall.id, parentId: null, label: "Firewall UDP timeout", status: "open", outcome: null },
      {
        id: child.id,
        parentId: firewall.id,
        label: "Raise UDP 3478 idle timeout",
        status: "dead_end",
        outcome: "Still drops at 30 s",
      },
    ]);
    expect(detail.messages.map((entry) => [entry.kind, entry.body])).toEqual([
      ["step", "Checked QoS tags"],
      ["step", "Set 120 s"],
      ["note", "Line one\nline two"],
    ]);
    expect(detail.log.map((entry) => entry.action)).toEqual([
      "created",
      "updated",
      "step_added",
      "branch_opened",
      "branch_opened",
      "step_added",
      "note_added",
      "branch_changed",
      "resolved",
      "reopened",
    ]);
    expect(detail.log.every((entry) => entry.actor?.id === account.engineer.id)).toBe(true);
    expect(detail.log[1]?.summary).toBe("Changed confidence from low to medium; linked ticket CW-51008");
    expect(detail.log[7]?.summary).toBe(
      "Marked “Raise UDP 3478 idle timeout” a dead end; noted the outcome of “Raise UDP 3478 idle timeout”: “Still drops at 30 s”; went back to “Firewall UDP timeout”",
    );

    const events = await app.prisma.escalationEvent.findMany({
      where: { accountId: account.account.id },
      orderBy: { seq: "asc" },
    });
    expect(events.map((event) => event.type)).toEqual(Array(10).fill("session.updated"));
    expect(events.at(-1)?.payload).toMatchObject({
      v: 1,
      session: { id: created.id, status: "active", stepCount: 2 },
    });
  });

  it("gives up a dead end: it stops being the active branch, and cannot be made active while dead", async () => {
    const account = await createTestAccount(app.prisma);
    const alice = await app.clientFor(account.engineer);
    const { id: sessionId } = await alice.session.create({
      problemSummary: "Printer offline",
      problemDomain: "Printing",
      teamId: account.team.id,
    });
    const spooler = await alice.session.openBranch({ sessionId, label: "Print spooler" });

    await alice.session.setBranch({ sessionId, branchId: spooler.id, status: "dead_end" });
    const entry = await alice.session.addEntry({ sessionId, kind: "step", body: "Power-cycled the printer" });

    expect(await alice.session.byId({ sessionId })).toMatchObject({
      activeBranchId: null,
      activeBranch: null,
    });
    expect(entry.branchId).toBeNull();
    await expect(
      alice.session.setBranch({ sessionId, branchId: spooler.id, active: true }),
    ).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
      message: expect.stringContaining("mark it open again"),
    });
    await alice.session.setBranch({ sessionId, branchId: spooler.id, status: "open", active: true });
    expect(await alice.session.byId({ sessionId })).toMatchObject({ activeBranchId: spooler.id });
  });

  it("makes the claimer the holder: anyone else gets FORBIDDEN naming them; a release gives it back", async () => {
    const account = await createTestAccount(app.prisma);
    const [owner, senior, viewer, admin] = await Promise.all([
      app.clientFor(account.engineer),
      app.clientFor(account.senior),
      app.clientFor(account.viewer),
      app.clientFor(account.admin),
    ]);
    const sessionId = account.session.id;
    const card = await owner.handoff.escalate({ sessionId, priority: "high" });
    await senior.handoff.claim({ handoffId: card.id });
    // The session page offers its release: session.byId names the claim that holds it.
    expect(await owner.session.byId({ sessionId })).toMatchObject({
      holder: { id: account.senior.id },
      assignee: { id: account.senior.id },
      status: "active",
      claimedHandoff: {
        id: card.id,
        claimedBy: { id: account.senior.id, name: account.senior.name },
        claimedAt: expect.any(String),
      },
    });

    const before = await writesSnapshot();
    await expect(owner.handoff.release({ handoffId: card.id })).rejects.toMatchObject({
      data: { code: "FORBIDDEN" },
      message: "Only the person who claimed this handoff, or an admin, can release it.",
    });
    const refused = owner.session.addEntry({ sessionId, kind: "note", body: "Mine again?" });
    await expect(refused).rejects.toMatchObject({
      data: { code: "FORBIDDEN" },
      message: expect.stringContaining(`${account.senior.name} holds this session`),
    });
    await expect(owner.handoff.park({ sessionId })).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    expect(await writesSnapshot()).toEqual(before);

    await senior.session.addEntry({ sessionId, kind: "step", body: "Took over" });
    await admin.session.addEntry({ sessionId, kind: "note", body: "Admins may always help" });
    await expect(
      viewer.session.addEntry({ sessionId, kind: "note", body: "Just looking" }),
    ).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });

    await senior.handoff.release({ handoffId: card.id });
    const released = await owner.session.byId({ sessionId });
    expect(released).toMatchObject({
      holder: { id: account.engineer.id },
      assignee: null,
      status: "escalated",
      openHandoff: { id: card.id },
      claimedHandoff: null,
    });
    // After what working the fixture's branch tree left in the log:
    expect(released.log.map((entry) => entry.action).slice(-5)).toEqual([
      "escalated",
      "claimed",
      "step_added",
      "note_added",
      "released",
    ]);
    await owner.session.addEntry({ sessionId, kind: "note", body: "Back with me while it waits" });

    // Claimed again and resolved: nothing to release any more, and a stale page's release is refused.
    await admin.handoff.claim({ handoffId: card.id });
    await admin.session.resolve({ sessionId, resolution: "Fixed by the admin" });
    expect(await viewer.session.byId({ sessionId })).toMatchObject({
      status: "resolved",
      claimedHandoff: null,
    });
    const resolved = await writesSnapshot();
    await expect(admin.handoff.release({ handoffId: card.id })).rejects.toMatchObject({
      data: { code: "CONFLICT" },
      message: "This session is resolved: reopen it before releasing it.",
    });
    expect(await writesSnapshot()).toEqual(resolved);
  });

  it("refuses every change by another engineer and by a VIEWER, naming the holder, writing nothing", async () => {
    const account = await createTestAccount(app.prisma);
    const sessionId = account.session.id;
    const branchId = account.branches[0]?.id ?? "";
    const [bob, viewer] = await Promise.all([app.clientFor(account.senior), app.clientFor(account.viewer)]);
    const calls = (client: typeof bob) => [
      () => client.session.update({ sessionId, confidenceTier: "high" }),
      () => client.session.addEntry({ sessionId, kind: "step", body: "x" }),
      () => client.session.openBranch({ sessionId, label: "Mine now" }),
      () => client.session.setBranch({ sessionId, branchId, status: "dead_end" }),
      () => client.session.resolve({ sessionId, resolution: "Fixed" }),
      () => client.handoff.escalate({ sessionId, priority: "urgent" }),
      () => client.handoff.park({ sessionId }),
    ];
    const before = await writesSnapshot();

    for (const call of calls(bob)) {
      await expect(call()).rejects.toMatchObject({
        data: { code: "FORBIDDEN" },
        message: expect.stringContaining(`${account.engineer.name} holds this session`),
      });
    }
    for (const call of [...calls(viewer), () => viewer.session.reopen({ sessionId })]) {
      await expect(call()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    }
    expect(await writesSnapshot()).toEqual(before);
  });

  it("withdraws a resolved session's waiting handoff from every queue live, exactly once after a reconnect", async () => {
    const account = await createTestAccount(app.prisma);
    const owner = await app.clientFor(account.engineer);
    const seniorClient = await app.clientFor(account.senior);
    const card = await owner.handoff.escalate({ sessionId: account.session.id, priority: "urgent" });
    const { handoffs, lastEventId } = await seniorClient.handoff.queue({});
    expect(handoffs.map((handoff) => handoff.id)).toEqual([card.id]);

    const queue = collectEvents<TEscalationEvent>();
    const subscription = seniorClient.escalation.onEvent.subscribe({ lastEventId }, queue);
    await vi.waitFor(() => expect(app.server.bus.subscriberCount(account.account.id)).toBe(1), {
      timeout: 15_000,
    });
    const resolved = await owner.session.resolve({
      sessionId: account.session.id,
      resolution: "Re-added automapping with PowerShell; mailbox is back.",
    });
    expect(resolved).toMatchObject({ status: "resolved", openHandoff: null });

    const [cancelled, updated] = await queue.waitForCount(2);
    expect(cancelled?.data).toMatchObject({
      kind: "handoff",
      type: "handoff.cancelled",
      handoff: { id: card.id, sessionId: account.session.id },
    });
    expect(updated?.data).toMatchObject({
      kind: "session",
      type: "session.updated",
      session: { id: account.session.id, status: "resolved", openHandoff: null },
    });
    expect((await seniorClient.handoff.queue({})).handoffs).toEqual([]);
    expect(await seniorClient.handoff.byId({ handoffId: card.id })).toMatchObject({
      cancelledAt: expect.any(String),
      claimedBy: null,
    });
    await expect(seniorClient.handoff.claim({ handoffId: card.id })).rejects.toMatchObject({
      data: { code: "CONFLICT" },
      message: "This handoff was cancelled.",
    });

    // Another escalation waits; while this replica is down, its session is resolved on another.
    const next = await owner.session.create({
      problemSummary: "Scanner to email fails",
      problemDomain: "SMTP",
    });
    const nextCard = await owner.handoff.escalate({ sessionId: next.id, priority: "normal" });
    await queue.waitForCount(5);
    await app.server.stop();
    const other = await app.startServer({ ...WITHOUT_ASSESSMENTS });
    try {
      const ownerOnOther = await app.clientFor(account.engineer, other);
      await ownerOnOther.session.resolve({ sessionId: next.id, resolution: "New app password for the MFP" });
    } finally {
      await other.close();
    }
    await app.server.start();

    const items = await queue.waitForCount(7, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const logged = await app.prisma.escalationEvent.findMany({
      where: { accountId: account.account.id, seq: { gt: parseEventId(lastEventId)?.seq ?? Number.NaN } },
      orderBy: { seq: "asc" },
    });
    expect(seqsOf(items)).toEqual(logged.map((event) => event.seq));
    expect(items.slice(5).map(({ data }) => data)).toMatchObject([
      { kind: "handoff", type: "handoff.cancelled", handoff: { id: nextCard.id } },
      { kind: "session", type: "session.updated", session: { id: next.id, status: "resolved" } },
    ]);
    expect((await seniorClient.handoff.queue({})).handoffs).toEqual([]);
    subscription.unsubscribe();
  });

  describe("bad input is refused with a clear message and writes nothing", () => {
    let account: TestAccount;
    let other: TestAccount;
    beforeAll(async () => {
      account = await createTestAccount(app.prisma);
      other = await createTestAccount(app.prisma);
    });

    type TIds = {
      session: string;
      branch: string;
      otherSession: string;
      otherBranch: string;
      otherTeam: string;
    };
    const cases: [string, string, (ids: TIds) => unknown, string, RegExp][] = [
      [
        "update",
        "nothing to change",
        (ids) => ({ sessionId: ids.session }),
        "BAD_REQUEST",
        /Nothing to change/,
      ],
      [
        "update",
        "a summary with a line break",
        (ids) => ({ sessionId: ids.session, problemSummary: "VPN\ndown" }),
        "BAD_REQUEST",
        /one line of plain text/,
      ],
      [
        "update",
        "a summary with a bidi override",
        (ids) => ({ sessionId: ids.session, problemSummary: "Invoice \u202Efdp.exe" }),
        "BAD_REQUEST",
        /one line of plain text/,
      ],
      [
        "update",
        "a ticket id with spaces",
        (ids) => ({ sessionId: ids.session, psaTicketId: "CW 1" }),
        "BAD_REQUEST",
        /ticket id/,
      ],
      [
        "update",
        "another account's team",
        (ids) => ({ sessionId: ids.session, teamId: ids.otherTeam }),
        "NOT_FOUND",
        /No team/,
      ],
      [
        "update",
        "another account's session",
        (ids) => ({ sessionId: ids.otherSession, confidenceTier: "high" }),
        "NOT_FOUND",
        /No session/,
      ],
      [
        "addEntry",
        "an empty body",
        (ids) => ({ sessionId: ids.session, kind: "note", body: "   " }),
        "BAD_REQUEST",
        /Write something/,
      ],
      [
        "addEntry",
        "an unknown kind",
        (ids) => ({ sessionId: ids.session, kind: "comment", body: "x" }),
        "BAD_REQUEST",
        /note|step/,
      ],
      [
        "addEntry",
        "a body with a NUL",
        (ids) => ({ sessionId: ids.session, kind: "note", body: "a\u0000b" }),
        "BAD_REQUEST",
        /control characters/,
      ],
      [
        "addEntry",
        "an oversize body",
        (ids) => ({ sessionId: ids.session, kind: "note", body: "x".repeat(20_001) }),
        "BAD_REQUEST",
        /at most 20000/,
      ],
      [
        "addEntry",
        "another session's branch",
        (ids) => ({ sessionId: ids.session, kind: "step", body: "x", branchId: ids.otherBranch }),
        "NOT_FOUND",
        /No branch/,
      ],
      [
        "addEntry",
        "another account's session",
        (ids) => ({ sessionId: ids.otherSession, kind: "note", body: "x" }),
        "NOT_FOUND",
        /No session/,
      ],
      [
        "openBranch",
        "no label",
        (ids) => ({ sessionId: ids.session, label: "" }),
        "BAD_REQUEST",
        /Name the branch/,
      ],
      [
        "openBranch",
        "another session's parent",
        (ids) => ({ sessionId: ids.session, parentId: ids.otherBranch, label: "x" }),
        "NOT_FOUND",
        /No branch/,
      ],
      [
        "openBranch",
        "another account's session",
        (ids) => ({ sessionId: ids.otherSession, label: "x" }),
        "NOT_FOUND",
        /No session/,
      ],
      [
        "setBranch",
        "nothing to change",
        (ids) => ({ sessionId: ids.session, branchId: ids.branch }),
        "BAD_REQUEST",
        /Nothing to change/,
      ],
      [
        "setBranch",
        "an unknown status",
        (ids) => ({ sessionId: ids.session, branchId: ids.branch, status: "abandoned" }),
        "BAD_REQUEST",
        /open|dead_end|resolved/,
      ],
      [
        "setBranch",
        "active: false",
        (ids) => ({ sessionId: ids.session, branchId: ids.branch, active: false }),
        "BAD_REQUEST",
        /true/,
      ],
      [
        "setBranch",
        "another account's branch",
        (ids) => ({ sessionId: ids.session, branchId: ids.otherBranch, status: "open" }),
        "NOT_FOUND",
        /No branch/,
      ],
      [
        "resolve",
        "no resolution",
        (ids) => ({ sessionId: ids.session, resolution: "" }),
        "BAD_REQUEST",
        /Say what fixed it/,
      ],
      [
        "resolve",
        "another account's session",
        (ids) => ({ sessionId: ids.otherSession, resolution: "x" }),
        "NOT_FOUND",
        /No session/,
      ],
      [
        "reopen",
        "a session that is not resolved",
        (ids) => ({ sessionId: ids.session }),
        "CONFLICT",
        /not resolved/,
      ],
      ["reopen", "a missing id", () => ({}), "BAD_REQUEST", /.+/],
      [
        "reopen",
        "another account's session",
        (ids) => ({ sessionId: ids.otherSession }),
        "NOT_FOUND",
        /No session/,
      ],
    ];

    it.each(cases)("session.%s refuses %s", async (procedure, _label, makeInput, code, message) => {
      const client = await app.clientFor(account.engineer);
      const ids: TIds = {
        session: account.session.id,
        branch: account.branches[0]?.id ?? "",
        otherSession: other.session.id,
        otherBranch: other.branches[0]?.id ?? "",
        otherTeam: other.team.id,
      };
      const before = await writesSnapshot();
      const call = client.session[procedure as "update"] as (input: unknown) => Promise<unknown>;
      const error = (await call(makeInput(ids)).catch(
        (caught: unknown) => caught,
      )) as TRPCClientError<AppRouter>;
      expect(error.data?.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(await writesSnapshot()).toEqual(before);
    });

    it("refuses a summary with control characters on create, and a bad page cursor on list", async () => {
      const client = await app.clientFor(account.engineer);
      const before = await writesSnapshot();
      await expect(
        client.session.create({ problemSummary: "Printer\u0007 beeps", problemDomain: "Printing" }),
      ).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
      await expect(client.session.list({ scope: "account", cursor: "not-a-cursor" })).rejects.toMatchObject({
        data: { code: "BAD_REQUEST" },
        message: expect.stringContaining("cursor"),
      });
      expect(await writesSnapshot()).toEqual(before);
    });
  });

  describe("session.list", () => {
    let account: TestAccount;
    let ids: Record<"vpn" | "printer" | "dns" | "senior", string>;
    beforeAll(async () => {
      account = await createTestAccount(app.prisma);
      const engineer = await app.clientFor(account.engineer);
      const senior = await app.clientFor(account.senior);
      const vpn = await engineer.session.create({
        problemSummary: "VPN drops every 10 minutes",
        problemDomain: "Network / VPN",
        psaTicketId: "HALO-7781",
      });
      const printer = await engineer.session.create({
        problemSummary: "Front desk printer offline",
        problemDomain: "Printing",
      });
      await engineer.session.addEntry({
        sessionId: printer.id,
        kind: "note",
        body: "Toner at 100% but jams",
      });
      const dns = await senior.session.create({ problemSummary: "DNS_PROBE errors", problemDomain: "DNS" });
      await engineer.session.resolve({ sessionId: printer.id, resolution: "Replaced the fuser" });
      ids = { vpn: vpn.id, printer: printer.id, dns: dns.id, senior: account.senior.id };
    });

    async function search(search: string, scope: "mine" | "team" | "account" = "account") {
      const client = await app.clientFor(account.viewer);
      return (await client.session.list({ scope, search })).items.map((item) => item.id);
    }

    it("finds sessions by summary, domain, ticket, owner name and email, and notes; every word must match", async () => {
      expect(await search("drops")).toEqual([ids.vpn]);
      expect(await search("network / vpn")).toEqual([ids.vpn]);
      expect(await search("halo-77")).toEqual([ids.vpn]);
      expect(await search(account.senior.name.split(" ")[0] ?? "")).toEqual([ids.dns]);
      expect(await search(account.senior.email.toUpperCase())).toEqual([ids.dns]);
      expect(await search("JAMS")).toEqual([ids.printer]);
      expect(await search("printer jams")).toEqual([ids.printer]);
      expect(await search("printer vpn")).toEqual([]);
      // LIKE's wildcards are matched as themselves.
      expect(await search("100%")).toEqual([ids.printer]);
      expect(await search("dns_probe")).toEqual([ids.dns]);
      expect(await search("%")).toEqual([ids.printer]);
      expect(await search("_")).toEqual([ids.dns]);
    });

    it("pages a search by rare words and by words too common for the index alike, and never shows another account's sessions", async () => {
      const other = await createTestAccount(app.prisma);
      await (await app.clientFor(other.engineer)).session.create({
        problemSummary: "Kubernetes pod in a crash loop",
        problemDomain: "Containers",
      });
      const fresh = await createTestAccount(app.prisma);
      const makeSessions = (count: number, summary: string) =>
        app.prisma.session.createManyAndReturn({
          data: Array.from({ length: count }, (_, index) => ({
            accountId: fresh.account.id,
            ownerId: fresh.engineer.id,
            problemSummary: `${summary} ${index}`,
            problemDomain: "Endpoint",
            updatedAt: new Date(Date.UTC(2026, 0, 1, 0, index)),
          })),
          select: { id: true, updatedAt: true },
        });
      // 30 match "laptop" (the index serves it); 520 match "monitor" (more than it serves).
      const laptops = await makeSessions(30, "Laptop fan noise");
      const monitors = await makeSessions(520, "Monitor flickers");
      const client = await app.clientFor(fresh.viewer);
      const allPages = async (search: string) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await client.session.list({ scope: "account", search, limit: 25, cursor });
          seen.push(...page.items.map((item) => item.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return seen;
      };
      const newestFirst = (rows: { id: string; updatedAt: Date }[]) =>
        [...rows].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime()).map((row) => row.id);
      expect(await allPages("laptop")).toEqual(newestFirst(laptops));
      expect(await allPages("fan NOISE")).toEqual(newestFirst(laptops));
      expect(await allPages("monitor flickers")).toEqual(newestFirst(monitors));
      expect(await allPages("kubernetes")).toEqual([]);
      expect(await allPages("laptop monitor")).toEqual([]);
    }, 60_000);

    it("answers a search that is exactly a ticket id with that ticket's sessions, in any case", async () => {
      const other = await createTestAccount(app.prisma);
      const engineer = await app.clientFor(other.engineer);
      const ticket = await engineer.session.create({
        problemSummary: "Mailbox full",
        problemDomain: "Exchange",
        psaTicketId: "CW-51230",
      });
      const mention = await engineer.session.create({
        problemSummary: "Follow-up of CW-51230",
        problemDomain: "Exchange",
      });
      const list = async (search: string) =>
        (await engineer.session.list({ scope: "account", search })).items.map((item) => item.id);
      expect(await list("CW-51230")).toEqual([ticket.id]);
      expect(await list("cw-51230")).toEqual([ticket.id]);
      // Part of a ticket id, or one that no session has, is a word search (newest first).
      expect(await list("cw-5123")).toEqual([mention.id, ticket.id]);
      expect(await list("follow-up cw-51230")).toEqual([mention.id]);
      // Another account's ticket is not found, exactly or not.
      expect(await search("CW-51230")).toEqual([]);
    });

    it("suggests the account's domains for a new session, most used first", async () => {
      const other = await createTestAccount(app.prisma);
      const engineer = await app.clientFor(other.engineer);
      for (const problemDomain of ["Printing", "Network / VPN", "Printing", "DNS", "Printing", "DNS"]) {
        await engineer.session.create({ problemSummary: "Something broke", problemDomain });
      }
      const viewer = await app.clientFor(other.viewer);
      // The fixture's own session counts too; ties go by name.
      const fixtureDomain = other.session.problemDomain;
      const counts = new Map<string, number>([
        ["Printing", 3],
        ["DNS", 2],
        ["Network / VPN", 1],
      ]);
      counts.set(fixtureDomain, (counts.get(fixtureDomain) ?? 0) + 1);
      const expected = [...counts]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([domain]) => domain);
      expect(await viewer.session.domains({})).toEqual(expected);
      expect(await viewer.session.domains({ limit: 1 })).toEqual(expected.slice(0, 1));
      await expect(viewer.session.domains({ limit: 0 })).rejects.toMatchObject({
        data: { code: "BAD_REQUEST" },
      });
    });

    it("filters by scope and status, newest activity first", async () => {
      const senior = await app.clientFor(account.senior);
      const mine = await senior.session.list({ scope: "mine" });
      expect(mine.items.map((item) => item.id)).toEqual([ids.dns]);
      const open = await senior.session.list({ scope: "account", status: ["active", "paused", "escalated"] });
      expect(open.items.map((item) => item.id)).toEqual([ids.dns, ids.vpn, account.session.id]);
      const resolved = await senior.session.list({ scope: "team", status: "resolved" });
      expect(resolved.items).toHaveLength(0);
      const viewerTeam = await (await app.clientFor(account.viewer)).session.list({ scope: "team" });
      expect(viewerTeam.items).toEqual([]);
      const all = await senior.session.list({ scope: "account", status: "resolved" });
      expect(all.items).toMatchObject([
        { id: ids.printer, status: "resolved", resolution: "Replaced the fuser" },
      ]);
    });

    it("pages with a cursor: every session once, in order", async () => {
      const client = await app.clientFor(account.admin);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.session.list({ scope: "account", limit: 2, ...(cursor && { cursor }) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const everything = await client.session.list({ scope: "account", limit: 100 });
      expect(everything.nextCursor).toBeNull();
      expect(seen).toEqual(everything.items.map((item) => item.id));
      expect(seen).toHaveLength(4);
    });
  });

  describe("the PSA ticket link", () => {
    it("is set by an admin only, and rendered on sessions and handoffs", async () => {
      const account = await createTestAccount(app.prisma);
      const [admin, engineer] = await Promise.all([
        app.clientFor(account.admin),
        app.clientFor(account.engineer),
      ]);
      const template =
        "https://na.myconnectwise.net/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid={id}";
      await expect(engineer.account.update({ psaTicketUrlTemplate: template })).rejects.toMatchObject({
        data: { code: "FORBIDDEN" },
      });
      await expect(admin.account.update({ psaTicketUrlTemplate: "ftp://x/{id}" })).rejects.toMatchObject({
        data: { code: "BAD_REQUEST" },
        message: expect.stringContaining("http(s)"),
      });
      await expect(
        admin.account.update({ psaTicketUrlTemplate: "https://psa.example/t" }),
      ).rejects.toMatchObject({
        data: { code: "BAD_REQUEST" },
        message: expect.stringContaining("{id}"),
      });
      expect(await engineer.account.get()).toMatchObject({ psaTicketUrlTemplate: null });

      expect(await admin.account.update({ psaTicketUrlTemplate: template })).toMatchObject({
        psaTicketUrlTemplate: template,
      });
      const session = await engineer.session.update({
        sessionId: account.session.id,
        psaTicketId: "48213#2",
      });
      expect(session.psaTicketUrl).toBe(template.replace("{id}", "48213%232"));
      const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "normal" });
      expect(card).toMatchObject({ psaTicketId: "48213#2", psaTicketUrl: session.psaTicketUrl });

      await admin.account.update({ psaTicketUrlTemplate: "" });
      expect(await engineer.session.byId({ sessionId: account.session.id })).toMatchObject({
        psaTicketId: "48213#2",
        psaTicketUrl: null,
      });
    });
  });
});
