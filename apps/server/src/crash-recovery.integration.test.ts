// kill -9 of the real server between commit and delivery, twice: first while the escalation's
// emails and its AI assessment are in flight (its PSA note waits for the assessment it reports),
// then, after a restart, while that note is (the PSA has even stored it, its answer never arrived).
// After the last restart every recipient has the email exactly once (the retry reuses Resend's
// idempotency key), the assessment is stored and streamed exactly once, and the ticket has exactly
// one note (the retry finds it by its marker). Without SECRETS_KEY the server then refuses to start.
import { randomBytes } from "node:crypto";
import type { Database } from "@handoff/db";
import { type TestAccount, testDatabaseTargets } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ModelStandIn, startModelStandIn } from "../test/support/model-stand-in.ts";
import { CW, type PsaStandIn, startPsaStandIn } from "../test/support/psa-stand-in.ts";
import { createChildDatabase } from "./testing/child-database.ts";
import { createTestClient, login } from "./testing/index.ts";
import { type ResendStandIn, startResendStandIn, type TReceivedEmail } from "./testing/resend-stand-in.ts";
import { runMain, waitForUrl } from "./testing/run-main.ts";

const POLICY_TIMER_JOB = "policy.timer";
const RETENTION_JOB = "retention.prune";

const isFor = (email: TReceivedEmail, handoffId: string) =>
  email.idempotencyKey?.includes(handoffId) ?? false;

describe.each(await testDatabaseTargets())("a crash between commit and delivery on %s", (target) => {
  let resend: ResendStandIn;
  let psa: PsaStandIn;
  let model: ModelStandIn;
  let account: TestAccount;
  let databaseEnv: Record<string, string>;
  /** Opens the database the child processes use (PGlite allows one process at a time). */
  let openDatabase: () => Promise<Database>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    resend = await startResendStandIn();
    psa = await startPsaStandIn();
    model = await startModelStandIn();
    ({ account, env: databaseEnv, open: openDatabase, remove: cleanup } = await createChildDatabase(target));
  });
  afterAll(async () => {
    await resend?.close();
    await psa?.close();
    await model?.close();
    await cleanup?.();
  });

  const secretsKey = randomBytes(32).toString("base64");

  type TClientAs = (email: string) => Promise<ReturnType<typeof createTestClient>>;

  /** Runs the server, does `work` against it, then kills it with SIGKILL, whatever happened. */
  async function untilKilled(env: Record<string, string>, work: (clientAs: TClientAs) => Promise<void>) {
    const child = runMain(env);
    try {
      const url = await waitForUrl(child);
      await work(async (email) =>
        createTestClient(
          { url, wsUrl: `${url.replace(/^http/, "ws")}/trpc` },
          { token: await login({ url }, email) },
        ),
      );
    } finally {
      child.child.kill("SIGKILL");
    }
    await child.exited;
  }
  const TICKET = 48213;

  it("delivers each email, the assessment and the PSA note exactly once after the restart", async () => {
    const env = {
      ...databaseEnv,
      SECRETS_KEY: secretsKey,
      PORT: "0",
      LOG_LEVEL: "warn",
      RESEND_API_KEY: "re_test_key",
      RESEND_BASE_URL: resend.baseUrl,
      // A dead worker's claim is taken over once its lease ends.
      JOB_LEASE: "2s",
      JOB_POLL_INTERVAL: "100ms",
      // A retry that meets a busy machine (the PSA's answer slow in coming) comes round again soon.
      JOB_RETRY_BASE: "100ms",
      JOB_RETRY_MAX: "2s",
      AI_PROVIDER: "openai-compatible",
      AI_BASE_URL: model.baseUrl,
      AI_MODEL: "stand-in-model",
      AI_TIMEOUT: "1500ms",
      PSA_ALLOW_PRIVATE_HOSTS: "true", // the stand-in listens on this machine
    };
    resend.respondWith("never");
    model.setFallback(() => "never");
    // The PSA stores the note and never answers: the job dies with it "in flight".
    psa.failNextNotes("hold");
    let handoffId = "";
    await untilKilled(env, async (clientAs) => {
      const admin = await clientAs(account.admin.email);
      await admin.psa.update({ provider: "connectwise", siteUrl: psa.baseUrl, ...CW });
      await admin.close();
      const engineer = await clientAs(account.engineer.email);
      await engineer.session.update({ sessionId: account.session.id, psaTicketId: String(TICKET) });
      handoffId = (await engineer.handoff.escalate({ sessionId: account.session.id, priority: "urgent" })).id;
      await engineer.close();
      // Committed, and the sends are on the wire, unanswered: now the process dies.
      await vi.waitFor(
        () => {
          expect(resend.received.filter((email) => isFor(email, handoffId))).toHaveLength(3);
          expect(model.received.filter((request) => request.isStructured).length).toBeGreaterThan(0);
        },
        { timeout: 20_000 },
      );
      expect(psa.notes).toHaveLength(0);
    });

    resend.respondWith(200);
    model.reset(); // well-formed answers from now on
    const sentBeforeRestart = resend.received.length;
    await untilKilled(env, async () => {
      await vi.waitFor(
        () => {
          const retried = resend.received.slice(sentBeforeRestart).filter((email) => isFor(email, handoffId));
          expect(new Set(retried.map((email) => email.idempotencyKey)).size).toBe(3);
          // Asked again, the model answered; the note, released by the assessment, is held by the PSA.
          expect(psa.notes.filter((note) => note.ticketId === TICKET)).toHaveLength(1);
        },
        { timeout: 30_000 },
      );
    });

    const last = runMain(env);
    try {
      const url = await waitForUrl(last);
      const admin = createTestClient(
        { url, wsUrl: `${url.replace(/^http/, "ws")}/trpc` },
        { token: await login({ url }, account.admin.email) },
      );
      await vi.waitFor(
        async () =>
          expect(await admin.psa.notes({ handoffId })).toMatchObject([{ kind: "escalated", status: "sent" }]),
        { timeout: 60_000, interval: 200 },
      );
      // What an ADMIN sees: nothing left to do but the policy's timer (the urgent escalation's
      // response target is minutes away) and the daily retention run, nothing that gave up.
      await vi.waitFor(
        async () => {
          const jobs = await admin.job.list({});
          const work = jobs.filter((job) => job.kind !== POLICY_TIMER_JOB && job.kind !== RETENTION_JOB);
          expect(work.map((job) => job.status)).toEqual(work.map(() => "done"));
          expect(jobs.filter((job) => job.kind === POLICY_TIMER_JOB).map((job) => job.status)).toEqual([
            "pending",
          ]);
        },
        { timeout: 30_000, interval: 200 },
      );
      await admin.close();
      last.child.kill("SIGTERM");
      expect(await last.exited).toBe(0);
    } finally {
      last.child.kill("SIGKILL");
    }

    const recipients = resend
      .delivered()
      .filter((email) => isFor(email, handoffId))
      .flatMap((email) => email.to)
      .sort();
    expect(recipients).toEqual([account.owner.email, account.admin.email, account.senior.email].sort());
    const notes = psa.notes.filter((note) => note.ticketId === TICKET);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.text).toContain("Escalated in Handoff by");
    expect(notes[0]?.text).toContain("Assessment (AI, openai-compatible:stand-in-model):");
    const database = await openDatabase();
    try {
      const rows = await database.prisma.notification.findMany({ where: { handoffId } });
      expect(rows).toHaveLength(3);
      expect(rows.every((row) => row.status === "SENT" && row.providerId)).toBe(true);
      const unfinished = await database.prisma.job.count({
        where: {
          accountId: account.account.id,
          status: { not: "DONE" },
          kind: { notIn: [POLICY_TIMER_JOB, RETENTION_JOB] },
        },
      });
      expect(unfinished).toBe(0);
      // The model was asked again after the first restart; its answer was stored and streamed once.
      const handoff = await database.prisma.handoff.findUniqueOrThrow({ where: { id: handoffId } });
      expect(handoff.assessment).toMatchObject({
        source: "model",
        model: "openai-compatible:stand-in-model",
      });
      const events = await database.prisma.escalationEvent.findMany({ where: { handoffId } });
      expect(events.filter((event) => event.type === "handoff.assessed")).toHaveLength(1);
      expect(events.filter((event) => event.type === "handoff.briefed")).toHaveLength(1);
    } finally {
      await database.close();
    }
  }, 180_000);

  // Runs after the test above, which stored a PSA connection sealed under `secretsKey`.
  it("refuses to start without SECRETS_KEY, or with another key, while a PSA connection is stored", async () => {
    for (const key of [undefined, randomBytes(32).toString("hex")]) {
      const run = runMain({ ...databaseEnv, PORT: "0", LOG_LEVEL: "warn", ...(key && { SECRETS_KEY: key }) });
      try {
        expect(await run.exited).toBe(1);
        expect(run.errors()).toContain(
          key
            ? "SECRETS_KEY does not open the stored PSA credentials"
            : "SECRETS_KEY is not set, but PSA connections are stored",
        );
      } finally {
        run.child.kill("SIGKILL");
      }
    }
  }, 120_000);
});
