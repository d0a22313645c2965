// Outbound webhooks through the real server: an ADMIN registers an endpoint, people escalate,
// claim and resolve, and a stand-in receiver gets each event once, signed per Standard Webhooks
// (checked with the `standardwebhooks` reference library); Retry-After is honoured, a rotation
// signs with both secrets through its grace period, "resend" repeats a delivery with the same
// webhook-id, only ADMINs manage endpoints, and private addresses are refused.
import { randomBytes } from "node:crypto";
import { scheduleRetention, type THandoffCard } from "@handoff/api";
import type { Database } from "@handoff/db";
import {
  createTestAccount,
  createTestDatabase,
  type TestAccount,
  testDatabaseTargets,
} from "@handoff/db/testing";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createTestClient,
  login,
  startTestServer,
  TEST_APP_ORIGIN,
  type TestServer,
  WITHOUT_ASSESSMENTS,
} from "../src/testing/index.ts";
import {
  startWebhookReceiver,
  type TReceivedRequest,
  type WebhookReceiver,
} from "./support/webhook-receiver.ts";

const SECRETS_KEY = randomBytes(32);

type TDeliveredEvent = {
  type: string;
  timestamp: string;
  data: { handoff?: THandoffCard & { url: string }; session?: Record<string, unknown>; withdrawn?: boolean };
};

/** What `standardwebhooks` makes of a received request: the verified payload, or it throws. */
function verified(secret: string, request: TReceivedRequest): TDeliveredEvent {
  return new Webhook(secret).verify(request.body, request.headers) as never;
}

describe.each(await testDatabaseTargets())("outbound webhooks on %s", (target) => {
  let database: Database;
  let server: TestServer;
  let receiver: WebhookReceiver;

  const startServer = (allowPrivateHosts: boolean) =>
    startTestServer({
      database,
      ...WITHOUT_ASSESSMENTS,
      psa: { secretsKey: SECRETS_KEY, timeoutMs: 3_000, allowPrivateHosts: false },
      webhooks: { timeoutMs: 3_000, allowPrivateHosts },
      webhookRetry: { attempts: 3 },
    });

  beforeAll(async () => {
    database = await createTestDatabase(target);
    receiver = await startWebhookReceiver();
    // The receiver listens on this machine.
    server = await startServer(true);
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await database?.close();
  });

  async function clientFor(user: { email: string }) {
    return createTestClient(server, { token: await login(server, user.email) });
  }

  /** A fresh account whose ADMIN registered an endpoint at its own path for `events`. */
  async function registered(
    events: string[] = ["handoff.created", "handoff.claimed", "handoff.resolved", "session.resolved"],
  ) {
    const account = await createTestAccount(database.prisma);
    const admin = await clientFor(account.admin);
    const path = `/hooks/${account.account.id}`;
    const created = await admin.webhook.create({
      kind: "standard",
      url: `${receiver.baseUrl}${path}`,
      description: "RMM automation",
      events: events as never,
    });
    return { account, admin, path, endpoint: created.endpoint, secret: created.secret ?? "" };
  }

  const receivedAt = (path: string) => receiver.received.filter((request) => request.path === path);

  async function escalate(account: TestAccount, notes = "Mailbox gone since 9:00") {
    const engineer = await clientFor(account.engineer);
    return engineer.handoff.escalate({ sessionId: account.session.id, priority: "urgent", notes });
  }

  it("delivers each event once, signed so the reference library verifies it, and logs it", async () => {
    const { account, admin, path, endpoint, secret } = await registered();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    // Listed without its secret.
    expect(JSON.stringify(await admin.webhook.list())).not.toContain(secret);

    const card = await escalate(account);
    const senior = await clientFor(account.senior);
    await senior.handoff.claim({ handoffId: card.id });
    await senior.session.resolve({ sessionId: account.session.id, resolution: "Re-added automapping" });
    await vi.waitFor(() => expect(receivedAt(path)).toHaveLength(4), { timeout: 20_000 });

    const events = receivedAt(path).map((request) => verified(secret, request));
    expect(events.map((event) => event.type).sort()).toEqual(
      ["handoff.claimed", "handoff.created", "handoff.resolved", "session.resolved"].sort(),
    );
    const created = events.find((event) => event.type === "handoff.created");
    expect(created?.data.handoff).toMatchObject({
      id: card.id,
      priority: "urgent",
      intent: "escalate",
      notes: "Mailbox gone since 9:00",
      url: `${TEST_APP_ORIGIN}/handoffs/${card.id}`,
    });
    expect(events.find((event) => event.type === "handoff.claimed")?.data.handoff?.claimedBy?.name).toBe(
      account.senior.name,
    );
    expect(events.find((event) => event.type === "session.resolved")?.data.session).toMatchObject({
      id: account.session.id,
      resolution: "Re-added automapping",
      resolvedBy: { id: account.senior.id, name: account.senior.name },
      url: `${TEST_APP_ORIGIN}/sessions/${account.session.id}`,
    });
    expect(events.find((event) => event.type === "handoff.resolved")?.data).toMatchObject({
      handoff: { id: card.id },
      withdrawn: false,
    });
    // Every event has its own webhook-id.
    expect(new Set(receivedAt(path).map((request) => request.headers["webhook-id"])).size).toBe(4);

    await vi.waitFor(async () => {
      const log = await admin.webhook.deliveries({ endpointId: endpoint.id });
      expect(log.map((delivery) => delivery.status)).toEqual([
        "delivered",
        "delivered",
        "delivered",
        "delivered",
      ]);
      expect(log.every((delivery) => delivery.attempts === 1 && delivery.responseStatus === 200)).toBe(true);
      expect(log.every((delivery) => typeof delivery.durationMs === "number")).toBe(true);
      expect(new Set(log.map((delivery) => delivery.messageId))).toEqual(
        new Set(receivedAt(path).map((request) => request.headers["webhook-id"])),
      );
    });
  });

  it("sends only the events an endpoint picked, and nothing once it is disabled", async () => {
    const { account, admin, path, endpoint } = await registered(["handoff.claimed"]);
    const card = await escalate(account);
    await server.deps.jobs.drain();
    expect(receivedAt(path)).toHaveLength(0);
    await (await clientFor(account.senior)).handoff.claim({ handoffId: card.id });
    await vi.waitFor(() => expect(receivedAt(path)).toHaveLength(1));

    await admin.webhook.update({ endpointId: endpoint.id, enabled: false });
    await (await clientFor(account.senior)).handoff.release({ handoffId: card.id });
    await (await clientFor(account.senior)).handoff.claim({ handoffId: card.id });
    await server.deps.jobs.drain();
    expect(receivedAt(path)).toHaveLength(1);
  });

  it("waits as long as Retry-After says, and retries with the same webhook-id", async () => {
    const { account, admin, path, endpoint, secret } = await registered(["handoff.created"]);
    receiver.answerNext({ status: 503, retryAfter: "2" });
    await escalate(account);
    await vi.waitFor(() => expect(receivedAt(path)).toHaveLength(2), { timeout: 20_000 });
    const [first, second] = receivedAt(path) as [TReceivedRequest, TReceivedRequest];
    // The worker's own backoff in this server is 10 ms: only Retry-After explains the wait.
    expect((second.at - first.at) / 1000).toBeGreaterThanOrEqual(1.9);
    expect(second.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(second.body).toBe(first.body);
    expect(verified(secret, second).type).toBe("handoff.created");
    await vi.waitFor(async () =>
      expect(await admin.webhook.deliveries({ endpointId: endpoint.id })).toMatchObject([
        { status: "delivered", attempts: 2, responseStatus: 200, lastError: null },
      ]),
    );
  });

  it("records a delivery that keeps failing as failed, with the answer", async () => {
    const { account, admin, path, endpoint } = await registered(["handoff.created"]);
    receiver.answerNext({ status: 500 }, { status: 500 }, { status: 500 });
    await escalate(account);
    await vi.waitFor(() => expect(receivedAt(path)).toHaveLength(3), { timeout: 20_000 });
    await server.deps.jobs.drain();
    expect(await admin.webhook.deliveries({ endpointId: endpoint.id })).toMatchObject([
      { status: "failed", attempts: 3, responseStatus: 500, lastError: "answered 500: try later" },
    ]);
  });

  it("resends a delivery with the same webhook-id and body", async () => {
    const { account, admin, path, endpoint, secret } = await registered(["handoff.created"]);
    await escalate(account);
    await vi.waitFor(() => expect(receivedAt(path)).toHaveLength(1));
    await server.deps.jobs.drain();
    const [delivery] = await admin.webhook.deliveries({ endpointId: endpoint.id });
    await admin.webhook.resend({ deliveryId: delivery?.id ?? "" });
    await vi.waitFor(() => expect(receivedAt(path)).toHaveLength(2));
    const [first, again] = receivedAt(path) as [TReceivedRequest, TReceivedRequest];
    expect(again.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(verified(secret, again)).toEqual(verified(secret, first));
    await vi.waitFor(async () =>
      expect(await admin.webhook.deliveries({ endpointId: endpoint.id })).toMatchObject([
        { id: delivery?.id, status: "delivered", attempts: 2 },
      ]),
    );
  });

  it("signs with the old and the new secret while a rotation's grace period lasts", async () => {
    const { account, admin, path, endpoint, secret: oldSecret } = await registered(["handoff.created"]);
    const rotated = await admin.webhook.rotateSecret({ endpointId: endpoint.id });
    const newSecret = rotated.secret ?? "";
    expect(newSecret).not.toBe(oldSecret);
    expect(Date.parse(rotated.endpoint.previousSecretUntil ?? "") - Date.now()).toBeGreaterThan(
      23 * 3_600_000,
    );
    await escalate(account);
    await vi.waitFor(() => expect(receivedAt(path)).toHaveLength(1));
    const [request] = receivedAt(path) as [TReceivedRequest];
    expect(request.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(verified(oldSecret, request).type).toBe("handoff.created");
    expect(verified(newSecret, request).type).toBe("handoff.created");
    expect(() => verified(`whsec_${randomBytes(32).toString("base64")}`, request)).toThrow();
  });

  it("sends a test event to the one endpoint", async () => {
    const { admin, path, endpoint, secret } = await registered(["handoff.created"]);
    await admin.webhook.sendTest({ endpointId: endpoint.id });
    await vi.waitFor(() => expect(receivedAt(path)).toHaveLength(1));
    expect(verified(secret, receivedAt(path)[0] as TReceivedRequest)).toMatchObject({
      type: "webhook.test",
      data: { message: "A test event from Handoff." },
    });
  });

  it("edits an endpoint's URL and events, refuses a channel's fields on it, and deletes it with its log", async () => {
    const { account, admin, endpoint, secret } = await registered(["handoff.claimed"]);
    const newPath = `/hooks/${account.account.id}/moved`;
    const edited = await admin.webhook.update({
      endpointId: endpoint.id,
      url: `${receiver.baseUrl}${newPath}`,
      events: ["handoff.created"],
      description: "Moved",
    });
    expect(edited).toMatchObject({
      urlHint: `${receiver.baseUrl}${newPath}`,
      events: ["handoff.created"],
      description: "Moved",
    });
    await expect(admin.webhook.update({ endpointId: endpoint.id, minPriority: "low" })).rejects.toMatchObject(
      {
        data: { code: "BAD_REQUEST" },
      },
    );
    await escalate(account);
    await vi.waitFor(() => expect(receivedAt(newPath)).toHaveLength(1));
    // The secret stays the same across an edit.
    expect(verified(secret, receivedAt(newPath)[0] as TReceivedRequest).type).toBe("handoff.created");

    await server.deps.jobs.drain();
    await admin.webhook.remove({ endpointId: endpoint.id });
    expect((await admin.webhook.list()).endpoints).toEqual([]);
    await expect(admin.webhook.deliveries({ endpointId: endpoint.id })).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
    expect(await database.prisma.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(0);
  });

  it("records each endpoint and channel change in the audit log, never a secret or a channel's URL", async () => {
    const { account, admin, endpoint, secret } = await registered(["handoff.created"]);
    await admin.webhook.update({ endpointId: endpoint.id, events: ["handoff.claimed"], enabled: false });
    const rotated = await admin.webhook.rotateSecret({ endpointId: endpoint.id });
    await admin.webhook.remove({ endpointId: endpoint.id });
    const teamsUrl = `${receiver.baseUrl}/teams/${account.account.id}/secret-token`;
    const channel = await admin.webhook.create({
      kind: "teams",
      url: teamsUrl,
      description: "Service desk channel",
      teamId: null,
      minPriority: "urgent",
    });
    await admin.webhook.update({ endpointId: channel.endpoint.id, minPriority: "high" });
    await admin.webhook.remove({ endpointId: channel.endpoint.id });

    const { items } = await admin.audit.list({});
    const rows = items.filter((item) => item.target?.type === "webhook_endpoint").reverse();
    expect(rows.map((row) => [row.action, row.target?.label])).toEqual([
      ["webhook.created", "RMM automation"],
      ["webhook.changed", "RMM automation"],
      ["webhook.secret_rotated", "RMM automation"],
      ["webhook.deleted", "RMM automation"],
      ["chat_channel.created", "Service desk channel"],
      ["chat_channel.changed", "Service desk channel"],
      ["chat_channel.deleted", "Service desk channel"],
    ]);
    expect(rows[1]).toMatchObject({
      actor: { email: account.admin.email },
      details: { kind: "standard", events: ["handoff.claimed"], enabled: false, isUrlChanged: false },
    });
    expect(rows[5]?.details).toMatchObject({
      kind: "teams",
      minPriority: "high",
      urlHint: `${receiver.baseUrl}/…`,
    });
    const logged = JSON.stringify(rows);
    for (const hidden of [secret, rotated.secret ?? "", "secret-token"]) expect(logged).not.toContain(hidden);
  });

  it("keeps the delivery log through the daily retention prune; a delivery is neither sent again nor lost", async () => {
    const { account, admin, path, endpoint } = await registered(["handoff.created"]);
    await escalate(account);
    await vi.waitFor(() => expect(receivedAt(path)).toHaveLength(1));
    await server.deps.jobs.drain();
    const accountId = account.account.id;
    await database.prisma.$executeRawUnsafe(
      `UPDATE "Job" SET "updatedAt" = "updatedAt" - interval '400 days' WHERE "accountId" = $1 AND "status" = 'DONE'`,
      accountId,
    );
    await database.prisma.webhookDelivery.updateMany({
      where: { accountId },
      data: { createdAt: new Date(Date.now() - 400 * 86_400_000) },
    });

    await scheduleRetention(database.prisma, new Date());
    await server.deps.jobs.drain();
    // The finished delivery job is gone; its delivery and message are not, and nothing was sent again.
    expect(await database.prisma.job.count({ where: { accountId, kind: "webhook.delivery" } })).toBe(0);
    const [delivery] = await admin.webhook.deliveries({ endpointId: endpoint.id });
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1 });
    expect(receivedAt(path)).toHaveLength(1);

    // Resend still works without the pruned job: the same webhook-id once more.
    await admin.webhook.resend({ deliveryId: delivery?.id ?? "" });
    await vi.waitFor(() => expect(receivedAt(path)).toHaveLength(2));
    const [first, again] = receivedAt(path) as [TReceivedRequest, TReceivedRequest];
    expect(again.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
  });

  it("lets only ADMINs manage endpoints, and refuses bad input writing nothing", async () => {
    const { account, endpoint } = await registered();
    for (const user of [account.engineer, account.senior]) {
      const client = await clientFor(user);
      await expect(client.webhook.list()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
      await expect(
        client.webhook.create({
          kind: "standard",
          url: `${receiver.baseUrl}/x`,
          description: "x",
          events: ["handoff.created"],
        }),
      ).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
      await expect(client.webhook.resend({ deliveryId: "x" })).rejects.toMatchObject({
        data: { code: "FORBIDDEN" },
      });
    }
    const admin = await clientFor(account.admin);
    for (const bad of [
      { kind: "standard", url: "ftp://example.com/hook", description: "x", events: ["handoff.created"] },
      { kind: "standard", url: "http://example.com/hook", description: "x", events: ["handoff.created"] },
      { kind: "standard", url: "https://example.com/hook", description: "x", events: [] },
      { kind: "standard", url: "https://example.com/hook", description: "x", events: ["handoff.exploded"] },
      {
        kind: "slack",
        url: "https://hooks.slack.com/services/T/B/X",
        description: "x",
        teamId: "nope",
        minPriority: "high",
      },
    ]) {
      await expect(admin.webhook.create(bad as never)).rejects.toMatchObject({
        data: { code: "BAD_REQUEST" },
      });
    }
    // Another account's endpoint does not exist for this one.
    const other = await registered();
    await expect(admin.webhook.deliveries({ endpointId: other.endpoint.id })).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
    expect((await admin.webhook.list()).endpoints.map((listed) => listed.id)).toEqual([endpoint.id]);
  });

  // Last: replaces the server with one that may not reach private addresses.
  it("refuses private addresses, when registering and when delivering", async () => {
    const { account, path, endpoint } = await registered(["handoff.created"]);
    await server.close();
    server = await startServer(false);
    const admin = await clientFor(account.admin);
    await expect(
      admin.webhook.create({
        kind: "standard",
        url: `${receiver.baseUrl}/y`,
        description: "x",
        events: ["handoff.created"],
      }),
    ).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
      message: expect.stringContaining("private network"),
    });
    await expect(
      admin.webhook.create({
        kind: "teams",
        url: "https://localhost/x",
        description: "x",
        teamId: null,
        minPriority: "high",
      }),
    ).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    expect((await admin.webhook.list()).endpoints).toHaveLength(1);

    // Registered while allowed (or before its name resolved to a private address): refused on delivery.
    await escalate(account);
    await server.deps.jobs.drain();
    expect(receivedAt(path)).toHaveLength(0);
    expect(await admin.webhook.deliveries({ endpointId: endpoint.id })).toMatchObject([
      {
        status: "failed",
        attempts: 1,
        responseStatus: null,
        lastError: expect.stringContaining("private network"),
      },
    ]);
  });
});
