// Web Push through the real server, @trpc/client and the real `web-push` library, against a local
// push-service stand-in: devices opt in with a priority threshold, new escalations and claims of
// one's own session arrive encrypted per RFC 8291 with a VAPID signature, every delivery is a
// Notification row, a 410 removes the device, a 429's Retry-After is waited out, and a page the
// queue no longer needs (claimed meanwhile) is not sent.
import { enqueuePushToUsers, type TPushWireMessage, vapidKeysFrom } from "@handoff/api";
import { createTestAccount } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { TestClient } from "../src/testing/index.ts";
import {
  createTestBrowser,
  type PushServiceStandIn,
  readVapidAuthorization,
  startPushServiceStandIn,
  type TestBrowser,
} from "./support/push-service-stand-in.ts";
import { useTestServer } from "./support/use-test-server.ts";

let pushService: PushServiceStandIn;

beforeAll(async () => {
  pushService = await startPushServiceStandIn();
});
afterAll(async () => {
  await pushService?.close();
});
const app = useTestServer({
  server: () => ({
    pushService: { host: pushService.host, agent: pushService.agent, retry: { attempts: 3 } },
  }),
});

type TClient = TestClient;

/** A browser that opted in through push.subscribe, as the queue page does. */
async function optIn(client: TClient, minPriority: "low" | "normal" | "high" | "urgent") {
  const browser = createTestBrowser(pushService.newEndpoint());
  await client.push.subscribe({ ...browser.subscription, minPriority, label: "Chrome on Linux" });
  return browser;
}

function messagesTo(browser: TestBrowser): TPushWireMessage[] {
  return pushService
    .receivedAt(browser.subscription.endpoint)
    .map((request) => browser.decrypt(request.body) as TPushWireMessage);
}

const pushRowsOf = (handoffId: string) =>
  app.prisma.notification.findMany({ where: { handoffId, channel: "PUSH" } });

describe("push.publicKey", () => {
  it("is one VAPID key, generated once and kept in the database, so it survives a restart", async () => {
    const account = await createTestAccount(app.prisma);
    const { publicKey } = await (await app.clientFor(account.senior)).push.publicKey();
    expect(Buffer.from(publicKey, "base64url")).toHaveLength(65);
    const stored = await app.prisma.vapidKeyPair.findMany();
    expect(stored.map((row) => row.publicKey)).toEqual([publicKey]);
    // What a restarted server (or another replica) loads: the same pair.
    expect((await vapidKeysFrom(app.prisma, null)()).publicKey).toBe(publicKey);
  });
});

describe("opting in", () => {
  it("records the device per user; the threshold is changed by subscribing again; unsubscribe removes it", async () => {
    const account = await createTestAccount(app.prisma);
    const senior = await app.clientFor(account.senior);
    const browser = await optIn(senior, "high");
    expect(await senior.push.mine()).toEqual([
      expect.objectContaining({
        endpoint: browser.subscription.endpoint,
        minPriority: "high",
        label: "Chrome on Linux",
      }),
    ]);
    await senior.push.subscribe({ ...browser.subscription, minPriority: "urgent" });
    const [device] = await senior.push.mine();
    expect(device?.minPriority).toBe("urgent");
    const stored = await app.prisma.pushSubscription.findUniqueOrThrow({
      where: { endpoint: browser.subscription.endpoint },
    });
    expect(stored).toMatchObject({ userId: account.senior.id, accountId: account.account.id });
    expect(stored.p256dh).toBe(browser.subscription.keys.p256dh);

    // Nobody else sees or removes it.
    const engineer = await app.clientFor(account.engineer);
    expect(await engineer.push.mine()).toEqual([]);
    expect(await engineer.push.unsubscribe({ endpoint: browser.subscription.endpoint })).toEqual({
      isRemoved: false,
    });
    expect(await senior.push.unsubscribe({ endpoint: browser.subscription.endpoint })).toEqual({
      isRemoved: true,
    });
    expect(await senior.push.mine()).toEqual([]);
  });

  it("never hands a registered endpoint to anyone else, in another account or the same one, nor its name and threshold", async () => {
    const account = await createTestAccount(app.prisma);
    const otherAccount = await createTestAccount(app.prisma);
    const senior = await app.clientFor(account.senior);
    const browser = await optIn(senior, "urgent");
    const before = await app.prisma.pushSubscription.findUniqueOrThrow({
      where: { endpoint: browser.subscription.endpoint },
    });
    for (const user of [otherAccount.senior, account.admin]) {
      const taker = await app.clientFor(user);
      await expect(
        taker.push.subscribe({ ...browser.subscription, minPriority: "low" }),
      ).rejects.toMatchObject({
        data: { code: "CONFLICT" },
        message:
          "This push subscription is already in use. Turn push alerts off and on again in this browser to get a fresh one.",
      });
      expect(await taker.push.mine()).toEqual([]);
      await taker.close();
    }
    expect(
      await app.prisma.pushSubscription.findUniqueOrThrow({
        where: { endpoint: browser.subscription.endpoint },
      }),
    ).toEqual(before);
  });

  it("a subscription the browser replaced (pushsubscriptionchange) keeps the device's threshold and name", async () => {
    const account = await createTestAccount(app.prisma);
    const senior = await app.clientFor(account.senior);
    const old = await optIn(senior, "urgent");
    const renewed = createTestBrowser(pushService.newEndpoint());
    // What public/sw.js sends: no threshold, no name, the endpoint it replaces.
    await senior.push.subscribe({ ...renewed.subscription, replacesEndpoint: old.subscription.endpoint });
    expect(await senior.push.mine()).toEqual([
      expect.objectContaining({
        endpoint: renewed.subscription.endpoint,
        minPriority: "urgent",
        label: "Chrome on Linux",
      }),
    ]);
  });

  it("push.test sends a test alert to that device at once; a device the push service says is gone is removed", async () => {
    const account = await createTestAccount(app.prisma);
    const senior = await app.clientFor(account.senior);
    const device = await optIn(senior, "high");
    expect(await senior.push.test({ endpoint: device.subscription.endpoint })).toEqual({
      isDelivered: true,
      isRemoved: false,
      problem: null,
    });
    expect(messagesTo(device)).toEqual([
      expect.objectContaining({ title: "Test alert from Handoff", reason: "test" }),
    ]);

    pushService.answer(device.subscription.endpoint, { status: 410 });
    const gone = await senior.push.test({ endpoint: device.subscription.endpoint });
    expect(gone).toMatchObject({
      isDelivered: false,
      isRemoved: true,
      problem: expect.stringContaining("expired"),
    });
    expect(await senior.push.mine()).toEqual([]);
    const other = await app.clientFor(account.engineer);
    await expect(other.push.test({ endpoint: device.subscription.endpoint })).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
  });

  it("refuses endpoints outside the allowed push services, bad keys, and read-only users", async () => {
    const account = await createTestAccount(app.prisma);
    const senior = await app.clientFor(account.senior);
    const browser = createTestBrowser("https://10.0.0.8/internal");
    await expect(senior.push.subscribe(browser.subscription)).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
      message: expect.stringContaining("does not send to this push service"),
    });
    const local = createTestBrowser(pushService.newEndpoint());
    await expect(
      senior.push.subscribe({ ...local.subscription, keys: { p256dh: "short", auth: "x" } }),
    ).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    await expect(
      senior.push.subscribe({
        ...local.subscription,
        endpoint: local.subscription.endpoint.replace("https", "http"),
      }),
    ).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    const viewer = await app.clientFor(account.viewer);
    await expect(viewer.push.subscribe(local.subscription)).rejects.toMatchObject({
      data: { code: "FORBIDDEN" },
    });
  });
});

describe("a new escalation", () => {
  it("reaches each device at or above its threshold, encrypted per RFC 8291 with a VAPID signature, and is recorded", async () => {
    const account = await createTestAccount(app.prisma);
    const senior = await app.clientFor(account.senior);
    const highDevice = await optIn(senior, "high");
    const urgentOnly = await optIn(senior, "urgent");
    const ownerDevice = await optIn(await app.clientFor(account.owner), "low");
    const { publicKey } = await senior.push.publicKey();

    const engineer = await app.clientFor(account.engineer);
    // The escalator's own device gets nothing about their own escalation.
    const escalatorDevice = await optIn(engineer, "low");
    const card = await engineer.handoff.escalate({
      sessionId: account.session.id,
      priority: "high",
      notes: "Spooler crashes on every job",
    });
    await app.server.deps.jobs.drain();

    const [message] = messagesTo(highDevice);
    expect(messagesTo(highDevice)).toHaveLength(1);
    expect(message).toEqual({
      title: `[HIGH] ${account.session.problemSummary}`,
      body: "Erin Engineer needs a senior tech: Spooler crashes on every job",
      url: `/handoffs/${card.id}`,
      tag: `handoff-${card.id}`,
      priority: "high",
      reason: "escalated",
    });
    expect(messagesTo(ownerDevice)).toHaveLength(1);
    expect(messagesTo(urgentOnly)).toEqual([]);
    expect(messagesTo(escalatorDevice)).toEqual([]);

    const [request] = pushService.receivedAt(highDevice.subscription.endpoint);
    expect(request?.headers).toMatchObject({
      "content-encoding": "aes128gcm",
      "content-type": "application/octet-stream",
      urgency: "high",
      ttl: String(4 * 3_600),
    });
    const vapid = readVapidAuthorization(request?.headers.authorization);
    expect(vapid.publicKey).toBe(publicKey);
    expect(vapid.claims.aud).toBe(`https://${pushService.host}`);
    expect(vapid.claims.sub).toBe("mailto:escalations@handoff.local");
    expect(vapid.claims.exp * 1_000).toBeGreaterThan(Date.now());

    const rows = await pushRowsOf(card.id);
    expect(rows.map((row) => row.recipientId).sort()).toEqual([account.owner.id, account.senior.id].sort());
    for (const row of rows) {
      expect(row).toMatchObject({ status: "SENT", attempts: 1, reason: "escalated", lastError: null });
      expect(row.providerId).toContain(`https://${pushService.host}/messages/`);
    }
    // Email stays the fallback channel: everyone it reaches has an EMAIL row too.
    const emailRows = await app.prisma.notification.count({
      where: { handoffId: card.id, channel: "EMAIL" },
    });
    expect(emailRows).toBe(3);
  });

  it("a 410 from the push service removes the device and records why; the job does not give up for an admin", async () => {
    const account = await createTestAccount(app.prisma);
    const senior = await app.clientFor(account.senior);
    const gone = await optIn(senior, "low");
    pushService.answer(gone.subscription.endpoint, { status: 410 });

    const card = await (await app.clientFor(account.engineer)).handoff.escalate({
      sessionId: account.session.id,
      priority: "normal",
    });
    await app.server.deps.jobs.drain();

    expect(pushService.receivedAt(gone.subscription.endpoint)).toHaveLength(1);
    expect(await app.prisma.pushSubscription.count({ where: { userId: account.senior.id } })).toBe(0);
    expect(await senior.push.mine()).toEqual([]);
    const [row] = await pushRowsOf(card.id);
    expect(row).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(row?.lastError).toMatch(/^410: .*the device was removed/);
    const jobs = await app.prisma.job.findMany({
      where: { accountId: account.account.id, kind: "push.send" },
    });
    expect(jobs.map((job) => job.status)).toEqual(["DONE"]);
  });

  it("after a 429, waits out Retry-After before the next try, then delivers", async () => {
    const account = await createTestAccount(app.prisma);
    const device = await optIn(await app.clientFor(account.senior), "low");
    pushService.answer(device.subscription.endpoint, { status: 429, retryAfter: "1" });

    const card = await (await app.clientFor(account.engineer)).handoff.escalate({
      sessionId: account.session.id,
      priority: "low",
    });
    await app.server.deps.jobs.drain();

    const [first, second] = pushService.receivedAt(device.subscription.endpoint);
    expect(second).toBeDefined();
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(messagesTo(device).map((message) => message.url)).toEqual([
      `/handoffs/${card.id}`,
      `/handoffs/${card.id}`,
    ]);
    const [row] = await pushRowsOf(card.id);
    expect(row).toMatchObject({ status: "SENT", attempts: 2, lastError: null });
  });

  it("is not sent once the handoff is claimed: the row says so", async () => {
    const account = await createTestAccount(app.prisma);
    const senior = await app.clientFor(account.senior);
    const device = await optIn(senior, "low");
    pushService.answer(device.subscription.endpoint, { status: 503, retryAfter: "1" });

    const card = await (await app.clientFor(account.engineer)).handoff.escalate({
      sessionId: account.session.id,
      priority: "urgent",
    });
    await vi.waitFor(() => expect(pushService.receivedAt(device.subscription.endpoint)).toHaveLength(1));
    await senior.handoff.claim({ handoffId: card.id });
    await app.server.deps.jobs.drain();

    expect(pushService.receivedAt(device.subscription.endpoint)).toHaveLength(1);
    const [row] = await pushRowsOf(card.id);
    expect(row).toMatchObject({ status: "SKIPPED", reason: "escalated" });
    expect(row?.lastError).toContain("Claimed before it was delivered");
  });
  it("is not sent to someone deactivated before delivery", async () => {
    const account = await createTestAccount(app.prisma);
    const device = await optIn(await app.clientFor(account.senior), "low");
    pushService.answer(device.subscription.endpoint, { status: 503, retryAfter: "1" });

    const card = await (await app.clientFor(account.engineer)).handoff.escalate({
      sessionId: account.session.id,
      priority: "high",
    });
    await vi.waitFor(() => expect(pushService.receivedAt(device.subscription.endpoint)).toHaveLength(1));
    await app.prisma.user.update({ where: { id: account.senior.id }, data: { active: false } });
    await app.server.deps.jobs.drain();

    expect(pushService.receivedAt(device.subscription.endpoint)).toHaveLength(1);
    const [row] = await pushRowsOf(card.id);
    expect(row).toMatchObject({ status: "SKIPPED", lastError: expect.stringContaining("deactivated") });
  });
});

describe("a claim of one's own session", () => {
  it('tells the owner "Sid Senior claimed your session", each claim once', async () => {
    const account = await createTestAccount(app.prisma);
    const engineer = await app.clientFor(account.engineer);
    const ownerDevice = await optIn(engineer, "urgent");
    const senior = await app.clientFor(account.senior);
    const card = await engineer.handoff.park({ sessionId: account.session.id, notes: "Off shift" });

    await senior.handoff.claim({ handoffId: card.id });
    await app.server.deps.jobs.drain();
    expect(messagesTo(ownerDevice)).toEqual([
      {
        title: "Sid Senior claimed your session",
        body: account.session.problemSummary,
        url: `/handoffs/${card.id}`,
        tag: `handoff-${card.id}`,
        priority: null,
        reason: "claimed",
      },
    ]);

    // Released and claimed again: news again. The owner claiming it back themselves is not.
    await senior.handoff.release({ handoffId: card.id });
    await senior.handoff.claim({ handoffId: card.id });
    await app.server.deps.jobs.drain();
    expect(messagesTo(ownerDevice).map((message) => message.reason)).toEqual(["claimed", "claimed:2"]);
    await senior.handoff.release({ handoffId: card.id });
    await engineer.handoff.claim({ handoffId: card.id });
    await app.server.deps.jobs.drain();
    expect(messagesTo(ownerDevice)).toHaveLength(2);
    const rows = await pushRowsOf(card.id);
    expect(rows.map((row) => [row.recipientId, row.status]).sort()).toEqual([
      [account.engineer.id, "SENT"],
      [account.engineer.id, "SENT"],
    ]);
  });
});

describe("enqueuePushToUsers (the channel the escalation policy re-pages through)", () => {
  it("pages the given users' devices at or above their threshold, once per reason", async () => {
    const account = await createTestAccount(app.prisma);
    const senior = await app.clientFor(account.senior);
    const device = await optIn(senior, "high");
    const adminDevice = await optIn(await app.clientFor(account.admin), "urgent");
    const card = await (await app.clientFor(account.engineer)).handoff.escalate({
      sessionId: account.session.id,
      priority: "high",
    });
    await app.server.deps.jobs.drain();

    const repage = {
      accountId: account.account.id,
      handoffId: card.id,
      userIds: [account.senior.id, account.admin.id],
      reason: "overdue:1",
      priority: "high" as const,
      message: {
        title: "[HIGH] Overdue: nobody has claimed it for 1 h",
        body: account.session.problemSummary,
      },
      isStaleOnceClaimed: true,
    };
    const enqueued = await app.prisma.$transaction((tx) => enqueuePushToUsers(tx, repage));
    await app.prisma.$transaction((tx) => enqueuePushToUsers(tx, repage));
    expect(enqueued).toBe(1);
    app.server.deps.jobs.kick();
    await app.server.deps.jobs.drain();

    expect(messagesTo(device).map((message) => [message.reason, message.title])).toEqual([
      ["escalated", `[HIGH] ${account.session.problemSummary}`],
      ["overdue:1", "[HIGH] Overdue: nobody has claimed it for 1 h"],
    ]);
    expect(messagesTo(adminDevice)).toEqual([]);
    const rows = await pushRowsOf(card.id);
    expect(rows.map((row) => row.reason).sort()).toEqual(["escalated", "overdue:1"]);
  });
});
