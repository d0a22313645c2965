// Personal API tokens through the real server: made and revoked from a browser login, used as
// `Authorization: Bearer` over HTTP and in WebSocket connection params, their scopes narrowing the
// user's role, refused once revoked, expired or their user deactivated, and their last use recorded.
import { createHash } from "node:crypto";
import type { AppRouter, TApiTokenScope, TBusMessage, TEscalationEvent } from "@handoff/api";
import { createMemoryBus } from "@handoff/bus";
import { createTestAccount, type TestAccount } from "@handoff/db/testing";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestClient, login, TEST_APP_ORIGIN, type TestServer } from "../src/testing/index.ts";
import { collectEvents, waitForHandoffEvents } from "./support/event-collector.ts";
import { useTestServer } from "./support/use-test-server.ts";

const app = useTestServer();

async function browserOf(email: string) {
  return app.clientFor({ email });
}

async function tokenFor(
  email: string,
  scopes: TApiTokenScope[],
): Promise<{ secret: string; tokenId: string; browser: Awaited<ReturnType<typeof browserOf>> }> {
  const browser = await browserOf(email);
  const { secret, token } = await browser.apiToken.create({
    name: `test ${scopes.join("+")}`,
    lifetimeDays: 30,
    scopes,
  });
  return { secret, tokenId: token.id, browser };
}

function bearerClient(secret: string) {
  return createTestClient(app.server, { token: secret, sendsTokenAs: "bearer" });
}

function errorCode(error: unknown): string | undefined {
  expect(error).toBeInstanceOf(TRPCClientError);
  return (error as TRPCClientError<AppRouter>).data?.code;
}

async function codeOf(call: Promise<unknown>): Promise<string | undefined> {
  return errorCode(
    await call.then(
      () => null,
      (failure: unknown) => failure,
    ),
  );
}

/** A raw tRPC query over HTTP with the given headers: the transport, without a client's help. */
function rawQuery(path: string, headers: Record<string, string>) {
  return fetch(`${app.server.url}/trpc/${path}`, { headers });
}

describe("API tokens", () => {
  let account: TestAccount;
  beforeAll(async () => {
    account = await createTestAccount(app.prisma);
  });

  it("are shown once, stored only as a sha256 of an hnd_ secret, and listed without it", async () => {
    const { secret, tokenId, browser } = await tokenFor(account.senior.email, ["read", "claim"]);
    expect(secret).toMatch(/^hnd_[A-Za-z0-9_-]{43}$/);

    const row = await app.prisma.apiToken.findUniqueOrThrow({
      where: { id: tokenId },
      include: { authSession: true },
    });
    expect(row.authSession?.tokenHash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(secret.slice(8));

    const listed = await browser.apiToken.list();
    const mine = listed.find((token) => token.id === tokenId);
    expect(mine).toMatchObject({
      name: "test read+claim",
      scopes: ["read", "claim"],
      status: "active",
      displayPrefix: secret.slice(0, 8),
      lastUsedAt: null,
    });
    expect(JSON.stringify(listed)).not.toContain(secret.slice(8));
    const lifetimeMs = Date.parse(mine?.expiresAt ?? "") - Date.parse(mine?.createdAt ?? "");
    expect(lifetimeMs).toBe(30 * 24 * 60 * 60 * 1000);
  });

  it("refuse bad input with a clear error and write nothing", async () => {
    const browser = await browserOf(account.engineer.email);
    const before = await app.prisma.apiToken.count();
    for (const input of [
      { name: "", lifetimeDays: 30, scopes: ["read"] },
      { name: "forever", lifetimeDays: 10_000, scopes: ["read"] },
      { name: "nothing", lifetimeDays: 30, scopes: [] },
      { name: "root", lifetimeDays: 30, scopes: ["superuser"] },
    ]) {
      // biome-ignore lint/suspicious/noExplicitAny: deliberately invalid input, as a script might send.
      expect(await codeOf(browser.apiToken.create(input as any))).toBe("BAD_REQUEST");
    }
    expect(await app.prisma.apiToken.count()).toBe(before);
  });

  it("cannot make, list or revoke tokens, or change the password", async () => {
    const { secret, tokenId } = await tokenFor(account.admin.email, ["read", "escalate", "claim", "admin"]);
    const cli = bearerClient(secret);
    expect(await codeOf(cli.apiToken.create({ name: "more", lifetimeDays: 7, scopes: ["read"] }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(cli.apiToken.list())).toBe("FORBIDDEN");
    expect(await codeOf(cli.apiToken.revoke({ tokenId }))).toBe("FORBIDDEN");
    expect(
      await codeOf(cli.password.change({ currentPassword: "demo", newPassword: "a-new-password-1" })),
    ).toBe("FORBIDDEN");
    // What it is for still works: who am I, and an admin-scoped admin procedure.
    expect((await cli.auth.me()).email).toBe(account.admin.email);
    expect((await cli.user.list()).length).toBeGreaterThan(0);
  });

  it("narrow the role: read cannot escalate, no claim scope cannot claim, an engineer's admin scope is no admin", async () => {
    const own = await createTestAccount(app.prisma);
    const reader = bearerClient((await tokenFor(own.engineer.email, ["read"])).secret);
    expect(await reader.handoff.queue({})).toEqual(expect.any(Object));
    expect(await codeOf(reader.handoff.escalate({ sessionId: own.session.id, priority: "high" }))).toBe(
      "FORBIDDEN",
    );

    const escalator = bearerClient((await tokenFor(own.engineer.email, ["escalate"])).secret);
    const card = await escalator.handoff.escalate({ sessionId: own.session.id, priority: "high" });
    // Queries need read: an escalate-only token (an RMM script) cannot read the queue.
    expect(await codeOf(escalator.handoff.queue({}))).toBe("FORBIDDEN");

    const noClaim = bearerClient((await tokenFor(own.senior.email, ["read", "escalate"])).secret);
    expect(await codeOf(noClaim.handoff.claim({ handoffId: card.id }))).toBe("FORBIDDEN");

    const engineerAdmin = bearerClient(
      (await tokenFor(own.engineer.email, ["read", "escalate", "claim", "admin"])).secret,
    );
    expect(await codeOf(engineerAdmin.user.list())).toBe("FORBIDDEN");
    const adminWithoutAdminScope = bearerClient((await tokenFor(own.admin.email, ["read"])).secret);
    expect(await codeOf(adminWithoutAdminScope.user.list())).toBe("FORBIDDEN");
    // The viewer's role is read-only whatever the token says.
    const viewerClaims = bearerClient((await tokenFor(own.viewer.email, ["read", "claim"])).secret);
    expect(await codeOf(viewerClaims.handoff.claim({ handoffId: card.id }))).toBe("FORBIDDEN");

    const claimer = bearerClient((await tokenFor(own.senior.email, ["read", "claim"])).secret);
    const claimed = await claimer.handoff.claim({ handoffId: card.id });
    expect(claimed.claimedBy?.id).toBe(own.senior.id);
  });

  it("ride Bearer over HTTP past the origin check, which still guards the cookie", async () => {
    const { secret } = await tokenFor(account.engineer.email, ["read"]);
    const foreign = { origin: "https://evil.example" };
    const withBearer = await rawQuery("auth.me", { ...foreign, authorization: `Bearer ${secret}` });
    expect(withBearer.status).toBe(200);

    const cookieToken = await login(app.server, account.engineer.email);
    const withCookie = await rawQuery("auth.me", { ...foreign, cookie: `handoff_session=${cookieToken}` });
    expect(withCookie.status).toBe(403);
    // A Bearer header never falls back to the cookie: a bad one with a good cookie is refused.
    const badBearerGoodCookie = await rawQuery("auth.me", {
      origin: TEST_APP_ORIGIN,
      authorization: "Bearer hnd_not-a-token",
      cookie: `handoff_session=${cookieToken}`,
    });
    expect(badBearerGoodCookie.status).toBe(401);
  });

  it("ride WebSocket connection params: the live stream needs read", async () => {
    const own = await createTestAccount(app.prisma);
    const watcher = createTestClient(app.server, {
      token: (await tokenFor(own.senior.email, ["read"])).secret,
    });
    const events = collectEvents<TEscalationEvent>();
    watcher.escalation.onEvent.subscribe({}, events);

    const claimOnly = createTestClient(app.server, {
      token: (await tokenFor(own.senior.email, ["claim"])).secret,
    });
    const refused = collectEvents<TEscalationEvent>();
    claimOnly.escalation.onEvent.subscribe({}, refused);
    expect(errorCode(await refused.waitForError())).toBe("FORBIDDEN");

    const engineer = await app.clientFor(own.engineer);
    await vi.waitFor(() => expect(app.server.bus.subscriberCount(own.account.id)).toBeGreaterThan(0), {
      timeout: 15_000,
    });
    const card = await engineer.handoff.escalate({ sessionId: own.session.id, priority: "urgent" });
    const [arrived] = await waitForHandoffEvents(events, 1);
    expect(arrived?.handoff.id).toBe(card.id);
    // Queries over the same socket need read too, and get it.
    expect((await watcher.auth.me()).email).toBe(own.senior.email);
  });

  it("stop working at once when revoked, on an open socket too", async () => {
    // Re-checks far apart: only the revocation itself can end the stream within the test.
    const replica = await app.startServer({ authRecheckMs: 60_000 });
    try {
      const own = await createTestAccount(app.prisma);
      const browser = await app.clientFor(own.senior, replica);
      const { secret, token } = await browser.apiToken.create({
        name: "cli",
        lifetimeDays: 7,
        scopes: ["read"],
      });
      const overSocket = createTestClient(replica, { token: secret });
      const events = collectEvents<TEscalationEvent>();
      overSocket.escalation.onEvent.subscribe({}, events);
      await vi.waitFor(() => expect(replica.bus.subscriberCount(own.account.id)).toBeGreaterThan(0), {
        timeout: 15_000,
      });
      const overHttp = createTestClient(replica, { token: secret, sendsTokenAs: "bearer" });
      expect((await overHttp.auth.me()).email).toBe(own.senior.email);

      const revoked = await browser.apiToken.revoke({ tokenId: token.id });
      expect(revoked.status).toBe("revoked");
      expect(await codeOf(overHttp.auth.me())).toBe("UNAUTHORIZED");
      expect(errorCode(await events.waitForError(5_000))).toBe("UNAUTHORIZED");
      // The same socket's next stream is refused too: its login is not served from the cache.
      const again = collectEvents<TEscalationEvent>();
      overSocket.escalation.onEvent.subscribe({}, again);
      expect(errorCode(await again.waitForError(5_000))).toBe("UNAUTHORIZED");

      // Revoking twice changes nothing; someone else's token is not found.
      expect((await browser.apiToken.revoke({ tokenId: token.id })).revokedAt).toBe(revoked.revokedAt);
      const stranger = await app.clientFor(own.engineer, replica);
      expect(await codeOf(stranger.apiToken.revoke({ tokenId: token.id }))).toBe("NOT_FOUND");
    } finally {
      await replica.close();
    }
  });

  it("stop working once expired", async () => {
    const { secret, tokenId, browser } = await tokenFor(account.engineer.email, ["read"]);
    const cli = bearerClient(secret);
    expect((await cli.auth.me()).email).toBe(account.engineer.email);
    const past = new Date(Date.now() - 1000);
    const row = await app.prisma.apiToken.update({ where: { id: tokenId }, data: { expiresAt: past } });
    await app.prisma.authSession.update({
      where: { id: row.authSessionId ?? "" },
      data: { expiresAt: past },
    });
    expect(await codeOf(cli.auth.me())).toBe("UNAUTHORIZED");
    expect((await browser.apiToken.list()).find((token) => token.id === tokenId)?.status).toBe("expired");
  });

  it("stop working at once when their user is deactivated, and survive a password change", async () => {
    const own = await createTestAccount(app.prisma);
    const { secret, tokenId, browser } = await tokenFor(own.engineer.email, ["read"]);
    const cli = bearerClient(secret);
    await browser.password.change({ currentPassword: "demo", newPassword: "a-new-password-1" });
    expect((await cli.auth.me()).email).toBe(own.engineer.email);

    const admin = await browserOf(own.admin.email);
    await admin.user.deactivate({ userId: own.engineer.id });
    expect(await codeOf(cli.auth.me())).toBe("UNAUTHORIZED");
    const row = await app.prisma.apiToken.findUniqueOrThrow({ where: { id: tokenId } });
    expect(row.authSessionId).toBeNull();
  });

  it("record when and from where they were last used", async () => {
    const { secret, tokenId, browser } = await tokenFor(account.senior.email, ["read"]);
    const before = Date.now();
    await bearerClient(secret).handoff.queue({});
    await vi.waitFor(
      async () => {
        const [listed] = (await browser.apiToken.list()).filter((token) => token.id === tokenId);
        expect(listed?.lastUsedIp).toBe("127.0.0.1");
        expect(Date.parse(listed?.lastUsedAt ?? "")).toBeGreaterThanOrEqual(before - 1000);
      },
      { timeout: 15_000, interval: 50 },
    );
  });
});

describe("API tokens across replicas", () => {
  // Two servers sharing one bus, as two replicas do; re-checks a minute away, so only the bus's
  // announcement can end a token on the other replica within the test.
  const bus = createMemoryBus<TBusMessage>();
  let replicaA: TestServer;
  let replicaB: TestServer;
  let own: TestAccount;
  beforeAll(async () => {
    replicaA = await app.startServer({ bus, authRecheckMs: 60_000 });
    replicaB = await app.startServer({ bus, authRecheckMs: 60_000 });
    own = await createTestAccount(app.prisma);
  });
  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
    await bus.close();
  });

  const auditOf = (tokenId: string) =>
    app.prisma.auditEvent.findMany({
      where: { targetType: "api_token", targetId: tokenId },
      orderBy: { createdAt: "asc" },
    });

  it("revoked on one replica end at once on another replica's open socket", async () => {
    const browser = await app.clientFor(own.senior, replicaA);
    const { secret, token } = await browser.apiToken.create({
      name: "cli",
      lifetimeDays: 7,
      scopes: ["read"],
    });
    const overSocket = createTestClient(replicaB, { token: secret });
    const events = collectEvents<TEscalationEvent>();
    overSocket.escalation.onEvent.subscribe({}, events);
    await vi.waitFor(() => expect(replicaB.bus.subscriberCount(own.account.id)).toBeGreaterThan(0), {
      timeout: 15_000,
    });
    expect((await overSocket.auth.me()).email).toBe(own.senior.email);

    await browser.apiToken.revoke({ tokenId: token.id });
    expect(errorCode(await events.waitForError(5_000))).toBe("UNAUTHORIZED");
  });

  it("are audited when made, revoked and first used from a new address, once per new address", async () => {
    const browser = await app.clientFor(own.admin, replicaA);
    const { secret, token } = await browser.apiToken.create({
      name: "nightly report",
      lifetimeDays: 30,
      scopes: ["read"],
    });
    await bearerOn(replicaA, secret).auth.me();
    await vi.waitFor(async () => expect((await auditOf(token.id)).length).toBe(2), { timeout: 15_000 });
    // Last used elsewhere: the next use from 127.0.0.1 is from a new address, even on a replica
    // that never saw the token; a use from the address it was last used from is not.
    await app.prisma.apiToken.update({ where: { id: token.id }, data: { lastUsedIp: "198.51.100.7" } });
    await bearerOn(replicaB, secret).auth.me();
    await vi.waitFor(async () => expect((await auditOf(token.id)).length).toBe(3), { timeout: 15_000 });
    const replicaC = await app.startServer({ bus });
    try {
      await bearerOn(replicaC, secret).auth.me();
      await vi.waitFor(
        async () => {
          const row = await app.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
          expect(row.lastUsedIp).toBe("127.0.0.1");
          expect(row.lastUsedAt?.getTime()).toBeGreaterThan(Date.now() - 5_000);
        },
        { timeout: 15_000 },
      );
    } finally {
      await replicaC.close();
    }
    await browser.apiToken.revoke({ tokenId: token.id });

    const rows = await auditOf(token.id);
    expect(rows.map((row) => row.action)).toEqual([
      "api_token.created",
      "api_token.used_from_new_address",
      "api_token.used_from_new_address",
      "api_token.revoked",
    ]);
    expect(rows.every((row) => row.actorEmail === own.admin.email && row.accountId === own.account.id)).toBe(
      true,
    );
    expect(rows[0]?.targetLabel).toBe("nightly report");
    expect(rows[0]?.details).toMatchObject({ scopes: ["read"] });
    expect(rows[1]?.ip).toBe("127.0.0.1");
    expect(JSON.stringify(rows)).not.toContain(secret);
  });
});

function bearerOn(target: TestServer, secret: string) {
  return createTestClient(target, { token: secret, sendsTokenAs: "bearer" });
}
