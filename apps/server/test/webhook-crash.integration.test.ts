// kill -9 of the real server while its webhook deliveries are in flight (the receivers have the
// requests, their answers never come back). After the restart each event reaches each endpoint
// again with the same webhook-id and body, so a receiver that drops repeats by id has every event
// exactly once; one delivery and one job per event and endpoint, all done.
import { randomBytes } from "node:crypto";
import type { Database } from "@handoff/db";
import { type TestAccount, testDatabaseTargets } from "@handoff/db/testing";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createChildDatabase } from "../src/testing/child-database.ts";
import { createTestClient, login } from "../src/testing/index.ts";
import { runMain, waitForUrl } from "../src/testing/run-main.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver.ts";

describe.each(await testDatabaseTargets())("webhooks across a crash on %s", (target) => {
  let receiver: WebhookReceiver;
  let account: TestAccount;
  let databaseEnv: Record<string, string>;
  let openDatabase: () => Promise<Database>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    ({ account, env: databaseEnv, open: openDatabase, remove: cleanup } = await createChildDatabase(target));
  });
  afterAll(async () => {
    await receiver?.close();
    await cleanup?.();
  });

  const env = () => ({
    ...databaseEnv,
    SECRETS_KEY: randomBytesKey,
    PORT: "0",
    LOG_LEVEL: "warn",
    // A dead worker's claim is taken over once its lease ends.
    JOB_LEASE: "2s",
    JOB_POLL_INTERVAL: "100ms",
    JOB_RETRY_BASE: "100ms",
    JOB_RETRY_MAX: "2s",
    AI_ASSESSMENT: "false",
    WEBHOOK_ALLOW_PRIVATE_HOSTS: "true", // the receiver listens on this machine
  });
  const randomBytesKey = randomBytes(32).toString("base64");

  async function clientAs(url: string, email: string) {
    return createTestClient(
      { url, wsUrl: `${url.replace(/^http/, "ws")}/trpc` },
      { token: await login({ url }, email) },
    );
  }

  it("delivers every event to every endpoint exactly once by webhook-id after a restart", async () => {
    const paths = {
      both: `/crash/${account.account.id}/both`,
      created: `/crash/${account.account.id}/created`,
    };
    const secrets: Record<string, string> = {};
    const endpointIds: string[] = [];
    let handoffId = "";
    receiver.answerNext("hold", "hold");

    const first = runMain(env());
    try {
      const url = await waitForUrl(first);
      const admin = await clientAs(url, account.admin.email);
      for (const [name, events] of [
        ["both", ["handoff.created", "handoff.claimed"]],
        ["created", ["handoff.created"]],
      ] as const) {
        const created = await admin.webhook.create({
          kind: "standard",
          url: `${receiver.baseUrl}${paths[name]}`,
          description: name,
          events: [...events],
        });
        secrets[paths[name]] = created.secret ?? "";
        endpointIds.push(created.endpoint.id);
      }
      await admin.close();
      const engineer = await clientAs(url, account.engineer.email);
      handoffId = (await engineer.handoff.escalate({ sessionId: account.session.id, priority: "urgent" })).id;
      await engineer.close();
      // Both requests are on the wire, unanswered: now the process dies.
      await vi.waitFor(() => expect(receiver.received).toHaveLength(2), { timeout: 20_000 });
    } finally {
      first.child.kill("SIGKILL");
    }
    await first.exited;

    const second = runMain(env());
    try {
      const url = await waitForUrl(second);
      const admin = await clientAs(url, account.admin.email);
      await vi.waitFor(
        async () => {
          for (const endpointId of endpointIds) {
            const log = await admin.webhook.deliveries({ endpointId });
            expect(log.map((delivery) => delivery.status)).toEqual(["delivered"]);
          }
        },
        { timeout: 60_000, interval: 200 },
      );
      const senior = await clientAs(url, account.senior.email);
      await senior.handoff.claim({ handoffId });
      await vi.waitFor(
        async () =>
          expect(
            (await admin.webhook.deliveries({ endpointId: endpointIds[0] ?? "" })).map((d) => d.status),
          ).toEqual(["delivered", "delivered"]),
        { timeout: 30_000, interval: 200 },
      );
      await admin.close();
      await senior.close();
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    } finally {
      second.child.kill("SIGKILL");
    }

    // A receiver that drops repeats by webhook-id (as the spec asks) has each event exactly once.
    const byPath = (path: string) => receiver.received.filter((request) => request.path === path);
    const deduped = (path: string) => {
      const byId = new Map<string, string>();
      for (const request of byPath(path)) {
        const id = request.headers["webhook-id"] ?? "";
        // A repeat is the same message: same body, and it verifies.
        if (byId.has(id)) expect(request.body).toBe(byId.get(id));
        byId.set(id, request.body);
        new Webhook(secrets[path] ?? "").verify(request.body, request.headers);
      }
      return [...byId.values()].map((body) => (JSON.parse(body) as { type: string }).type).sort();
    };
    expect(deduped(paths.both)).toEqual(["handoff.claimed", "handoff.created"]);
    expect(deduped(paths.created)).toEqual(["handoff.created"]);
    // The lost first tries were sent again. (At-least-once: a slow try whose 2 s lease ran out may
    // have been sent twice more; the ids make those repeats too.)
    expect(byPath(paths.both).length).toBeGreaterThanOrEqual(3);
    expect(byPath(paths.created).length).toBeGreaterThanOrEqual(2);

    const database = await openDatabase();
    try {
      const deliveries = await database.prisma.webhookDelivery.findMany({
        where: { accountId: account.account.id },
      });
      expect(deliveries.map((delivery) => delivery.status)).toEqual(["DELIVERED", "DELIVERED", "DELIVERED"]);
      const jobs = await database.prisma.job.findMany({
        where: { accountId: account.account.id, kind: "webhook.delivery" },
      });
      expect(jobs.map((job) => job.status)).toEqual(["DONE", "DONE", "DONE"]);
    } finally {
      await database.close();
    }
  }, 180_000);
});
