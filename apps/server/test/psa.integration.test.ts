// PSA connections and ticket notes through the real server, against a local stand-in for the
// documented ConnectWise and HaloPSA requests: admin-only settings whose secret never comes back,
// "Test connection" as a real authenticated request, bad input refused with nothing written, and
// the notes on escalate, claim and resolve, each exactly once, through 500s and lost answers.
import { randomBytes } from "node:crypto";
import type { Database } from "@handoff/db";
import {
  createTestAccount,
  createTestDatabase,
  type TestAccount,
  testDatabaseTargets,
} from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestClient,
  login,
  startTestServer,
  TEST_APP_ORIGIN,
  type TestServer,
} from "../src/testing/index.ts";
import { CW, HALO, type PsaStandIn, startPsaStandIn } from "./support/psa-stand-in.ts";

const CW_AUTH = `Basic ${Buffer.from(`${CW.companyId}+${CW.publicKey}:${CW.privateKey}`).toString("base64")}`;

describe.each(await testDatabaseTargets())("PSA notes on %s", (target) => {
  let database: Database;
  let server: TestServer;
  let psa: PsaStandIn;

  beforeAll(async () => {
    database = await createTestDatabase(target);
    psa = await startPsaStandIn();
    server = await startTestServer({
      database,
      // The stand-in listens on this machine.
      psa: { secretsKey: randomBytes(32), timeoutMs: 3_000, allowPrivateHosts: true },
      psaRetry: { attempts: 3 },
    });
  });
  afterAll(async () => {
    await server?.close();
    await psa?.close();
    await database?.close();
  });

  async function clientFor(user: { email: string }) {
    return createTestClient(server, { token: await login(server, user.email) });
  }

  const connectWise = (overrides: { privateKey?: string } = {}) => ({
    provider: "connectwise" as const,
    siteUrl: psa.baseUrl,
    companyId: CW.companyId,
    publicKey: CW.publicKey,
    privateKey: CW.privateKey,
    clientId: CW.clientId,
    ...overrides,
  });
  const halo = () => ({
    provider: "halopsa" as const,
    baseUrl: psa.baseUrl,
    tenant: HALO.tenant,
    clientId: HALO.clientId,
    clientSecret: HALO.clientSecret,
  });

  /** A fresh account connected to the PSA, its session on ticket `ticketId`. */
  async function connectedAccount(
    settings: ReturnType<typeof connectWise> | ReturnType<typeof halo>,
    ticketId: string | null,
  ) {
    const account = await createTestAccount(database.prisma);
    const admin = await clientFor(account.admin);
    const engineer = await clientFor(account.engineer);
    await admin.psa.update(settings);
    if (ticketId) await engineer.session.update({ sessionId: account.session.id, psaTicketId: ticketId });
    return { account, admin, engineer };
  }

  const notesOn = (ticketId: number) => psa.notes.filter((note) => note.ticketId === ticketId);

  describe("the connection", () => {
    let account: TestAccount;
    beforeAll(async () => {
      account = await createTestAccount(database.prisma);
    });

    it("is ADMIN+ only, starts empty, and refuses bad input without writing anything", async () => {
      const admin = await clientFor(account.admin);
      const engineer = await clientFor(account.engineer);
      await expect(engineer.psa.get()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
      await expect(engineer.psa.update(connectWise())).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
      expect(await admin.psa.get()).toEqual({ isSecretsKeySet: true, connection: null });

      await expect(
        admin.psa.update({ ...connectWise(), siteUrl: "http://psa.example.com" }),
      ).rejects.toMatchObject({
        data: { code: "BAD_REQUEST" },
        message: expect.stringContaining("https://"),
      });
      await expect(admin.psa.update({ ...connectWise(), companyId: "  " })).rejects.toMatchObject({
        data: { code: "BAD_REQUEST" },
      });
      await expect(admin.psa.update(connectWise({ privateKey: "" }))).rejects.toMatchObject({
        data: { code: "BAD_REQUEST" },
        message: "Enter the private key: there is none stored for ConnectWise PSA yet.",
      });
      expect(await database.prisma.psaConnection.count({ where: { accountId: account.account.id } })).toBe(0);
    });

    it("cannot be saved on a server without SECRETS_KEY: PRECONDITION_FAILED, saying why, and nothing written", async () => {
      const keyless = await startTestServer({
        database,
        psa: { secretsKey: null, timeoutMs: 3_000, allowPrivateHosts: true },
      });
      try {
        const fresh = await createTestAccount(database.prisma);
        const admin = createTestClient(keyless, { token: await login(keyless, fresh.admin.email) });
        expect(await admin.psa.get()).toEqual({ isSecretsKeySet: false, connection: null });
        await expect(admin.psa.update(connectWise())).rejects.toMatchObject({
          data: { code: "PRECONDITION_FAILED" },
          message: expect.stringContaining("no SECRETS_KEY"),
        });
        expect(await database.prisma.psaConnection.count({ where: { accountId: fresh.account.id } })).toBe(0);
        await admin.close();
      } finally {
        await keyless.close();
      }
    });

    it("does not reach a PSA on this machine or a private network unless PSA_ALLOW_PRIVATE_HOSTS allows it", async () => {
      const guarded = await startTestServer({
        database,
        psa: { secretsKey: randomBytes(32), timeoutMs: 3_000, allowPrivateHosts: false },
      });
      try {
        const fresh = await createTestAccount(database.prisma);
        const admin = createTestClient(guarded, { token: await login(guarded, fresh.admin.email) });
        const requestsBefore = psa.requests.length;
        await admin.psa.update(connectWise());
        expect(await admin.psa.test()).toMatchObject({
          isOk: false,
          message: expect.stringMatching(
            /127\.0\.0\.1:\d+ is on this machine or a private network \(127\.0\.0\.1\); .*PSA_ALLOW_PRIVATE_HOSTS/,
          ),
        });
        expect(psa.requests.length).toBe(requestsBefore);
        await admin.close();
      } finally {
        await guarded.close();
      }
    });

    it("keeps the secret sealed, never returns it, and tests it with a real request", async () => {
      const admin = await clientFor(account.admin);
      const saved = await admin.psa.update({
        ...connectWise(),
        siteUrl: `${psa.baseUrl}/v4_6_release/apis/3.0/`,
      });
      expect(saved.connection).toEqual({
        provider: "connectwise",
        siteUrl: psa.baseUrl,
        companyId: CW.companyId,
        publicKey: CW.publicKey,
        clientId: CW.clientId,
        hasSecret: true,
        lastTest: null,
        updatedAt: expect.any(String),
      });
      expect(JSON.stringify(await admin.psa.get())).not.toContain(CW.privateKey);
      const row = await database.prisma.psaConnection.findUniqueOrThrow({
        where: { accountId: account.account.id },
      });
      expect(row.sealedSecret).toMatch(/^v1\./);
      expect(JSON.stringify(row)).not.toContain(CW.privateKey);

      const before = psa.requests.length;
      const tested = await admin.psa.test();
      expect(tested).toMatchObject({ isOk: true, message: expect.stringContaining("v2025.1") });
      expect(psa.requests.slice(before)).toEqual([
        {
          method: "GET",
          path: "/v4_6_release/apis/3.0/system/info",
          authorization: CW_AUTH,
          clientId: CW.clientId,
        },
      ]);
      expect((await admin.psa.get()).connection?.lastTest).toEqual(tested);

      // Blank keeps the stored secret; a wrong one fails the test with the PSA's answer.
      await admin.psa.update(connectWise({ privateKey: "" }));
      expect((await admin.psa.test()).isOk).toBe(true);
      await admin.psa.update(connectWise({ privateKey: "wrong" }));
      expect(await admin.psa.test()).toMatchObject({
        isOk: false,
        message: expect.stringContaining("401 the credentials were refused"),
      });

      await admin.psa.update(halo());
      expect(await admin.psa.test()).toMatchObject({
        isOk: true,
        message: expect.stringContaining("Handoff API"),
      });
      await admin.psa.remove();
      expect((await admin.psa.get()).connection).toBeNull();
    });
  });

  it("ConnectWise: escalate, claim and resolve each add one internal note with the documented request", async () => {
    const { account, admin, engineer } = await connectedAccount(connectWise(), "#48213");
    await engineer.session.addEntry({
      sessionId: account.session.id,
      kind: "step",
      body: "Rebuilt the Outlook profile",
    });
    const card = await engineer.handoff.escalate({
      sessionId: account.session.id,
      priority: "urgent",
      notes: "User is the CFO; mailbox needed before 9am.",
    });
    await server.deps.jobs.drain();

    const [escalated] = notesOn(48213);
    expect(notesOn(48213)).toHaveLength(1);
    expect(escalated?.body).toEqual({
      text: expect.any(String),
      detailDescriptionFlag: false,
      internalAnalysisFlag: true,
      resolutionFlag: false,
      processNotifications: false,
    });
    const text = escalated?.text ?? "";
    expect(text).toContain("Escalated in Handoff by Erin Engineer (urgent priority).");
    expect(text).toContain("User is the CFO; mailbox needed before 9am.");
    expect(text).toContain("- Rebuilt the Outlook profile");
    expect(text).toContain("- Re-grant Full Access: No change after 30 minutes");
    expect(text).toContain("Working on: Remove and re-add automapping");
    expect(text).toContain(`${TEST_APP_ORIGIN}/handoffs/${card.id}`);
    // The note waited for the escalation's assessment and reports it.
    const { assessment } = await engineer.handoff.byId({ handoffId: card.id });
    expect(assessment).not.toBeNull();
    expect(text).toContain("Assessment (from the session's facts, no AI):");
    expect(text).toContain(`Likely cause: ${assessment?.likelyCause}`);
    const posts = psa.requests.filter((request) => request.path.endsWith("/service/tickets/48213/notes"));
    expect(
      posts.every((request) => request.authorization === CW_AUTH && request.clientId === CW.clientId),
    ).toBe(true);

    const senior = await clientFor(account.senior);
    await senior.handoff.claim({ handoffId: card.id });
    await server.deps.jobs.drain();
    await engineer.close();
    const holder = senior;
    await holder.session.resolve({
      sessionId: account.session.id,
      resolution: "Automapping re-added; profile rebuilt.",
    });
    await server.deps.jobs.drain();

    const texts = notesOn(48213).map((note) => note.text);
    expect(texts).toHaveLength(3);
    expect(texts[1]).toMatch(/^Claimed in Handoff by Sid Senior, who now works this ticket/);
    expect(texts[2]).toContain(
      "Resolved in Handoff by Sid Senior.\n\nResolution:\nAutomapping re-added; profile rebuilt.",
    );

    const shown = await admin.psa.notes({ handoffId: card.id });
    expect(shown.map((note) => [note.kind, note.status, note.ticketId, note.providerNoteId])).toEqual(
      notesOn(48213).map((note, i) => [
        ["escalated", "claimed", "resolved"][i],
        "sent",
        "#48213",
        String(note.id),
      ]),
    );
  }, 90_000);

  it("a 500 and then success adds exactly one note; so does a note stored before its answer was lost", async () => {
    const { account, engineer } = await connectedAccount(connectWise(), "50001");
    psa.failNextNotes({ status: 500 });
    const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
    await server.deps.jobs.drain();
    expect(notesOn(50001)).toHaveLength(1);
    const [shown] = await engineer.psa.notes({ handoffId: card.id });
    expect(shown).toMatchObject({ status: "sent", attempts: 2, lastError: null });

    const other = await connectedAccount(halo(), "50002");
    psa.failNextNotes("store-then-500");
    await other.engineer.handoff.escalate({ sessionId: other.account.session.id, priority: "high" });
    await server.deps.jobs.drain();
    expect(notesOn(50002)).toHaveLength(1);
  });

  it("HaloPSA: client-credentials token, then a private action as a bearer", async () => {
    const { account, engineer } = await connectedAccount(halo(), "7301");
    const before = psa.requests.length;
    await engineer.handoff.escalate({
      sessionId: account.session.id,
      priority: "normal",
      notes: "Printer queue stuck",
    });
    await server.deps.jobs.drain();
    const [note] = notesOn(7301);
    expect(notesOn(7301)).toHaveLength(1);
    expect(note?.body).toEqual([
      {
        ticket_id: 7301,
        note: expect.stringContaining("Printer queue stuck"),
        outcome: "Private Note",
        hiddenfromuser: true,
        sendemail: false,
      },
    ]);
    const calls = psa.requests.slice(before);
    const post = calls.find((request) => request.method === "POST" && request.path === "/api/actions");
    expect(post?.authorization).toMatch(/^Bearer halo-token-\d+$/);
  });

  it("a ticket the PSA refuses is shown failed with its error; an ADMIN's retry adds it once", async () => {
    const { account, admin, engineer } = await connectedAccount(connectWise(), "60001");
    psa.failNextNotes({ status: 403 });
    const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
    await server.deps.jobs.drain();
    const [failed] = await admin.psa.notes({ handoffId: card.id });
    expect(failed).toMatchObject({
      status: "failed",
      isRetryable: true,
      lastError: expect.stringContaining("ConnectWise (add note): 403"),
    });
    expect(notesOn(60001)).toHaveLength(0);

    await admin.job.retry({ jobId: failed?.jobId ?? "" });
    await server.deps.jobs.drain();
    expect(await admin.psa.notes({ handoffId: card.id })).toMatchObject([
      { status: "sent", isRetryable: false },
    ]);
    expect(notesOn(60001)).toHaveLength(1);
  });

  it("no ticket, or no connection: no note and no job", async () => {
    const withoutTicket = await connectedAccount(connectWise(), null);
    await withoutTicket.engineer.handoff.escalate({
      sessionId: withoutTicket.account.session.id,
      priority: "high",
    });
    const withoutConnection = await createTestAccount(database.prisma);
    const engineer = await clientFor(withoutConnection.engineer);
    await engineer.session.update({ sessionId: withoutConnection.session.id, psaTicketId: "777" });
    await engineer.handoff.escalate({ sessionId: withoutConnection.session.id, priority: "high" });
    for (const accountId of [withoutTicket.account.account.id, withoutConnection.account.id]) {
      expect(await database.prisma.psaNote.count({ where: { accountId } })).toBe(0);
      expect(await database.prisma.job.count({ where: { accountId, kind: "psa.note" } })).toBe(0);
    }
  });
});
