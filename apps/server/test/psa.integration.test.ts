// PSA connections and ticket notes through the real server, against a local stand-in for the
// documented ConnectWise and HaloPSA requests: admin-only settings whose secret never comes back,
// "Test connection" as a real authenticated request, bad input refused with nothing written, and
// the notes on escalate, claim and resolve, each exactly once, through 500s and lost answers.
import { randomBytes } from "node:crypto";
import { createTestAccount, type TestAccount, testDatabaseTargets } from "@handoff/db/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TEST_APP_ORIGIN } from "../src/testing/index.ts";
import { CW, HALO, HALO_AUTH_PATH, type PsaStandIn, startPsaStandIn } from "./support/psa-stand-in.ts";
import { useTestServer } from "./support/use-test-server.ts";

const CW_AUTH = `Basic ${Buffer.from(`${CW.companyId}+${CW.publicKey}:${CW.privateKey}`).toString("base64")}`;

describe.each(await testDatabaseTargets())("PSA notes on %s", (target) => {
  let psa: PsaStandIn;

  beforeAll(async () => {
    psa = await startPsaStandIn();
  });
  afterAll(async () => {
    await psa?.close();
  });
  const app = useTestServer({
    target,
    server: {
      // The stand-in listens on this machine.
      psa: { secretsKey: randomBytes(32), timeoutMs: 3_000, allowPrivateHosts: true },
      psaRetry: { attempts: 3 },
    },
  });
  // Every ConnectWise request the stand-in received conforms to the vendor's OpenAPI document.
  afterEach(() => {
    expect(psa.specViolations).toEqual([]);
  });

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
    const account = await createTestAccount(app.prisma);
    const admin = await app.clientFor(account.admin);
    const engineer = await app.clientFor(account.engineer);
    await admin.psa.update(settings);
    if (ticketId) await engineer.session.update({ sessionId: account.session.id, psaTicketId: ticketId });
    return { account, admin, engineer };
  }

  const notesOn = (ticketId: number) => psa.notes.filter((note) => note.ticketId === ticketId);

  describe("the connection", () => {
    let account: TestAccount;
    beforeAll(async () => {
      account = await createTestAccount(app.prisma);
    });

    it("is ADMIN+ only, starts empty, and refuses bad input without writing anything", async () => {
      const admin = await app.clientFor(account.admin);
      const engineer = await app.clientFor(account.engineer);
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
      expect(await app.prisma.psaConnection.count({ where: { accountId: account.account.id } })).toBe(0);
    });

    it("cannot be saved on a server without SECRETS_KEY: PRECONDITION_FAILED, saying why, and nothing written", async () => {
      const keyless = await app.startServer({
        psa: { secretsKey: null, timeoutMs: 3_000, allowPrivateHosts: true },
      });
      try {
        const fresh = await createTestAccount(app.prisma);
        const admin = await app.clientFor(fresh.admin, keyless);
        expect(await admin.psa.get()).toEqual({ isSecretsKeySet: false, connection: null });
        await expect(admin.psa.update(connectWise())).rejects.toMatchObject({
          data: { code: "PRECONDITION_FAILED" },
          message: expect.stringContaining("no SECRETS_KEY"),
        });
        expect(await app.prisma.psaConnection.count({ where: { accountId: fresh.account.id } })).toBe(0);
        await admin.close();
      } finally {
        await keyless.close();
      }
    });

    it("does not reach a PSA on this machine or a private network unless PSA_ALLOW_PRIVATE_HOSTS allows it", async () => {
      const guarded = await app.startServer({
        psa: { secretsKey: randomBytes(32), timeoutMs: 3_000, allowPrivateHosts: false },
      });
      try {
        const fresh = await createTestAccount(app.prisma);
        const admin = await app.clientFor(fresh.admin, guarded);
        const requestsBefore = psa.requests.length;
        await admin.psa.update(connectWise());
        expect(await admin.psa.test()).toMatchObject({
          isOk: false,
          message: expect.stringMatching(
            /^ConnectWise: 127\.0\.0\.1:\d+ is on this machine or a private network; .*PSA_ALLOW_PRIVATE_HOSTS is set$/,
          ),
        });
        expect(psa.requests.length).toBe(requestsBefore);
        await admin.close();
      } finally {
        await guarded.close();
      }
    });

    it("drops the stored secret when the PSA's address changes: it must be entered again, and Test connection never sends it to the new host", async () => {
      const other = await startPsaStandIn();
      try {
        const fresh = await createTestAccount(app.prisma);
        const admin = await app.clientFor(fresh.admin);
        const stored = () =>
          app.prisma.psaConnection.findUniqueOrThrow({ where: { accountId: fresh.account.id } });
        const enterAgain = (field: string) => ({
          data: { code: "BAD_REQUEST" },
          message: `Enter the ${field} again: the PSA's address changed, and the stored one is only sent to the address it was entered for.`,
        });

        await admin.psa.update(connectWise());
        const before = await stored();
        for (const siteUrl of [other.baseUrl, `${psa.baseUrl}/elsewhere`]) {
          await expect(
            admin.psa.update({ ...connectWise({ privateKey: "" }), siteUrl }),
          ).rejects.toMatchObject(enterAgain("private key"));
        }
        expect(await stored()).toEqual(before);
        expect((await admin.psa.test()).isOk).toBe(true);

        await admin.psa.update(halo());
        for (const moved of [{ baseUrl: other.baseUrl }, { authUrl: `${other.baseUrl}/auth` }]) {
          await expect(admin.psa.update({ ...halo(), clientSecret: "", ...moved })).rejects.toMatchObject(
            enterAgain("client secret"),
          );
        }
        expect((await admin.psa.test()).isOk).toBe(true);
        expect(other.requests).toEqual([]);

        // Entered again, it goes to the new address.
        await admin.psa.update({ ...connectWise(), siteUrl: other.baseUrl });
        expect((await admin.psa.test()).isOk).toBe(true);
        expect(other.requests).toHaveLength(1);
        await admin.close();
      } finally {
        await other.close();
      }
    });

    it("keeps the secret sealed, never returns it, and tests it with a real request", async () => {
      const admin = await app.clientFor(account.admin);
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
      const row = await app.prisma.psaConnection.findUniqueOrThrow({
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
    await app.server.deps.jobs.drain();

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

    const senior = await app.clientFor(account.senior);
    await senior.handoff.claim({ handoffId: card.id });
    await app.server.deps.jobs.drain();
    await engineer.close();
    const holder = senior;
    await holder.session.resolve({
      sessionId: account.session.id,
      resolution: "Automapping re-added; profile rebuilt.",
    });
    await app.server.deps.jobs.drain();

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
    await app.server.deps.jobs.drain();
    expect(notesOn(50001)).toHaveLength(1);
    const [shown] = await engineer.psa.notes({ handoffId: card.id });
    expect(shown).toMatchObject({ status: "sent", attempts: 2, lastError: null });

    const other = await connectedAccount(halo(), "50002");
    psa.failNextNotes("store-then-500");
    await other.engineer.handoff.escalate({ sessionId: other.account.session.id, priority: "high" });
    await app.server.deps.jobs.drain();
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
    await app.server.deps.jobs.drain();
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
    await app.server.deps.jobs.drain();
    const [failed] = await admin.psa.notes({ handoffId: card.id });
    expect(failed).toMatchObject({
      status: "failed",
      isRetryable: true,
      lastError: expect.stringContaining("ConnectWise (add note): 403"),
    });
    expect(notesOn(60001)).toHaveLength(0);

    await admin.job.retry({ jobId: failed?.jobId ?? "" });
    await app.server.deps.jobs.drain();
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
    const withoutConnection = await createTestAccount(app.prisma);
    const engineer = await app.clientFor(withoutConnection.engineer);
    await engineer.session.update({ sessionId: withoutConnection.session.id, psaTicketId: "777" });
    await engineer.handoff.escalate({ sessionId: withoutConnection.session.id, priority: "high" });
    for (const accountId of [withoutTicket.account.account.id, withoutConnection.account.id]) {
      expect(await app.prisma.psaNote.count({ where: { accountId } })).toBe(0);
      expect(await app.prisma.job.count({ where: { accountId, kind: "psa.note" } })).toBe(0);
    }
  });

  it("the stand-in's OpenAPI check refuses what ConnectWise's document does not allow", async () => {
    const other = await startPsaStandIn();
    try {
      const auth = { Authorization: CW_AUTH, clientId: CW.clientId };
      const notes = `${other.baseUrl}/v4_6_release/apis/3.0/service/tickets/2147483648/notes`;
      const refused = await fetch(notes, {
        method: "POST",
        headers: { ...auth, Accept: "application/json", "Content-Type": "application/json" },
        body: JSON.stringify({ text: 42, internalAnalysisFlag: "yes" }),
      });
      expect(refused.status).toBe(400);
      expect(other.specViolations).toEqual([
        "POST /service/tickets/{parentId}/notes: path parameter parentId=2147483648 is not an int32",
        expect.stringMatching(
          /^POST \/service\/tickets\/\{parentId\}\/notes: Accept "application\/json" allows none of/,
        ),
        expect.stringMatching(/body .*text must be string.*internalAnalysisFlag must be boolean/),
      ]);
      expect(other.notes).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("ConnectWise: a ticket number beyond the API's int32 ids fails with a clear message and posts nothing", async () => {
    const { account, admin, engineer } = await connectedAccount(connectWise(), "2147483648");
    const before = psa.requests.length;
    const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
    await app.server.deps.jobs.drain();
    expect(await admin.psa.notes({ handoffId: card.id })).toMatchObject([
      {
        status: "failed",
        lastError: '"2147483648" is beyond ConnectWise\'s ticket numbers (at most 2147483647).',
      },
    ]);
    expect(psa.requests.slice(before)).toEqual([]);
  });

  it("HaloPSA: a blank authorisation server is found with GET /api/authinfo; an entered one is used as is", async () => {
    const fresh = await createTestAccount(app.prisma);
    const admin = await app.clientFor(fresh.admin);
    const calls = async () => {
      const before = psa.requests.length;
      expect(await admin.psa.test()).toMatchObject({ isOk: true });
      return psa.requests.slice(before).map((request) => `${request.method} ${request.path}`);
    };

    await admin.psa.update(halo());
    expect(await calls()).toEqual(["GET /api/authinfo", `POST ${HALO_AUTH_PATH}/token`, "GET /api/agent/me"]);
    await admin.psa.update({ ...halo(), authUrl: `${psa.baseUrl}${HALO_AUTH_PATH}/` });
    expect(await calls()).toEqual([`POST ${HALO_AUTH_PATH}/token`, "GET /api/agent/me"]);
    await admin.close();
  });

  it("HaloPSA: the admin picks the note outcome from the instance's list; notes carry it", async () => {
    const { account, admin, engineer } = await connectedAccount(halo(), "7302");
    expect(await admin.psa.haloOutcomes()).toEqual([
      { id: 1, name: "Private Note" },
      { id: 23, name: "Escalation note" },
    ]);
    await expect(engineer.psa.haloOutcomes()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    const saved = await admin.psa.update({
      ...halo(),
      clientSecret: "",
      noteOutcome: { id: 23, name: "Escalation note" },
    });
    expect(saved.connection).toMatchObject({ noteOutcome: { id: 23, name: "Escalation note" } });
    // Saved without one (as the settings form does), the picked outcome stays.
    const resaved = await admin.psa.update({ ...halo(), clientSecret: "" });
    expect(resaved.connection).toMatchObject({ noteOutcome: { id: 23, name: "Escalation note" } });

    await engineer.handoff.escalate({ sessionId: account.session.id, priority: "normal" });
    await app.server.deps.jobs.drain();
    expect(notesOn(7302).map((note) => note.body)).toEqual([
      [
        {
          ticket_id: 7302,
          note: expect.any(String),
          outcome_id: 23,
          outcome: "Escalation note",
          hiddenfromuser: true,
          sendemail: false,
        },
      ],
    ]);
  });
});
