// The admin's API through the real server: users (invite by a one-time link sent as a durable
// email, role, senior flag, team, deactivate), teams, and the notification log with its retry.
// Rules: an ADMIN never changes an OWNER, nobody deactivates themselves or changes their own role,
// bad input writes nothing, another account's ids are NOT_FOUND. Deactivating ends the user's
// logins at once and their open stream within the re-check interval.

import type { TEscalationEvent } from "@handoff/api";
import { createTestAccount, type TestAccount, testDatabaseTargets } from "@handoff/db/testing";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createTestClient, login } from "../src/testing/index.ts";
import { collectEvents } from "./support/event-collector.ts";
import { useResendStandIn } from "./support/use-resend-stand-in.ts";
import { useTestServer } from "./support/use-test-server.ts";

const RECHECK_MS = 400;

describe.each(await testDatabaseTargets())("on %s", (target) => {
  const resend = useResendStandIn();
  const app = useTestServer({
    target,
    server: () => ({
      resend: { baseUrl: resend.baseUrl, retry: { attempts: 1 } },
      authRecheckMs: RECHECK_MS,
    }),
  });

  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => "OK",
      (error: { data?: { code?: string } }) => error.data?.code,
    );

  /** The token in the invitation email sent to `email`. */
  async function invitationTokenFor(email: string): Promise<string> {
    await app.server.deps.jobs.drain();
    const sent = resend.delivered().findLast((message) => message.to.includes(email));
    const token = sent?.text.match(/\/invite#([\w-]+)/)?.[1];
    if (!token) throw new Error(`no invitation email reached ${email}`);
    return token;
  }

  describe("users", () => {
    let account: TestAccount;
    let other: TestAccount;
    beforeAll(async () => {
      account = await createTestAccount(app.prisma);
      other = await createTestAccount(app.prisma);
    });

    it("lists the account's users with their status, to ADMIN+ only", async () => {
      const admin = await app.clientFor(account.admin);
      const users = await admin.user.list();
      expect(users.map((user) => user.email).sort()).toEqual(account.users.map((user) => user.email).sort());
      expect(users.find((user) => user.id === account.senior.id)).toMatchObject({
        role: "engineer",
        isSeniorTech: true,
        status: "active",
        team: { id: account.team.id },
      });
      expect(await codeOf((await app.clientFor(account.senior)).user.list())).toBe("FORBIDDEN");
    });

    it("invites by a one-time link sent as a durable email; the invitee sets a password and is signed in", async () => {
      resend.respondWith(200);
      const admin = await app.clientFor(account.admin);
      const email = `new.${account.account.id.slice(0, 8)}@example.test`;
      const { user, inviteUrl } = await admin.user.invite({
        email: email.toUpperCase(),
        name: "Nina New",
        role: "engineer",
        isSeniorTech: true,
        teamId: account.team.id,
      });
      expect(user).toMatchObject({
        email,
        status: "invited",
        isSeniorTech: true,
        team: { id: account.team.id },
      });
      expect(user.inviteExpiresAt).not.toBeNull();

      const token = await invitationTokenFor(email);
      expect(inviteUrl).toBe(`${app.server.config.appOrigin}/invite#${token}`);
      // Only the hash is kept, and the delivered job no longer carries the token.
      expect(JSON.stringify(await app.prisma.invite.findMany({ where: { userId: user.id } }))).not.toContain(
        token,
      );
      expect(
        JSON.stringify(await app.prisma.job.findMany({ where: { accountId: account.account.id } })),
      ).not.toContain(token);
      expect(await codeOf(login(app.server, email))).toBe("UNAUTHORIZED");

      const anonymous = createTestClient(app.server);
      expect(await anonymous.auth.invitation({ token })).toMatchObject({
        name: "Nina New",
        email,
        accountName: account.account.name,
      });
      expect(await codeOf(anonymous.auth.acceptInvite({ token, password: "short" }))).toBe("BAD_REQUEST");
      const accepted = await anonymous.auth.acceptInvite({
        token,
        password: "a long new password",
        mode: "token",
      });
      expect(accepted.viewer).toMatchObject({ email, role: "engineer", isSeniorTech: true });
      const nina = createTestClient(app.server, { token: accepted.token ?? "" });
      expect(await nina.auth.me()).toMatchObject({ email });
      expect(await codeOf(login(app.server, email, "a long new password"))).toBe("OK");

      // One time only.
      expect(await codeOf(anonymous.auth.acceptInvite({ token, password: "another password!" }))).toBe(
        "NOT_FOUND",
      );
      expect(await codeOf(anonymous.auth.invitation({ token }))).toBe("NOT_FOUND");
      expect((await admin.user.list()).find((row) => row.id === user.id)).toMatchObject({ status: "active" });

      const log = await admin.notification.list();
      expect(log.items[0]).toMatchObject({
        kind: "invite",
        channel: "email",
        recipient: { id: user.id, email },
        status: "sent",
        attempts: 1,
        retryJobId: null,
      });
    });

    it("re-inviting someone who has not joined sends a fresh link and withdraws the old one", async () => {
      resend.respondWith(200);
      const admin = await app.clientFor(account.admin);
      const email = `again.${account.account.id.slice(0, 8)}@example.test`;
      await admin.user.invite({ email, name: "Otto Once", role: "viewer" });
      const first = await invitationTokenFor(email);
      const { user } = await admin.user.invite({ email, name: "Otto Twice", role: "engineer" });
      const second = await invitationTokenFor(email);
      expect(second).not.toBe(first);
      expect(user).toMatchObject({ name: "Otto Twice", role: "engineer", status: "invited" });
      const anonymous = createTestClient(app.server);
      expect(await codeOf(anonymous.auth.invitation({ token: first }))).toBe("NOT_FOUND");
      expect(await anonymous.auth.invitation({ token: second })).toMatchObject({ name: "Otto Twice" });
      // A joined user, or anyone else's email, cannot be invited.
      expect(
        await codeOf(admin.user.invite({ email: account.engineer.email, name: "X", role: "engineer" })),
      ).toBe("CONFLICT");
      expect(
        await codeOf(admin.user.invite({ email: other.engineer.email, name: "X", role: "engineer" })),
      ).toBe("CONFLICT");
    });

    it("another account's invitation, pending or expired, does not hold an email; a joined user's email is refused without saying where", async () => {
      resend.respondWith(200);
      const admin = await app.clientFor(account.admin);
      const otherAdmin = await app.clientFor(other.admin);
      const tag = account.account.id.slice(0, 8);
      const pending = `pending.${tag}@example.test`;
      const expired = `expired.${tag}@example.test`;
      await otherAdmin.user.invite({ email: pending, name: "Pia Pending", role: "engineer" });
      const otherLink = await invitationTokenFor(pending);
      await otherAdmin.user.invite({ email: expired, name: "Ed Expired", role: "engineer" });
      await app.prisma.invite.updateMany({
        where: { user: { email: expired } },
        data: { expiresAt: new Date(Date.now() - 1000) },
      });

      for (const email of [pending, expired]) {
        const { user } = await admin.user.invite({ email, name: "Nina New", role: "viewer" });
        expect(user).toMatchObject({ email, name: "Nina New", status: "invited" });
      }
      const anonymous = createTestClient(app.server);
      expect(await codeOf(anonymous.auth.invitation({ token: otherLink }))).toBe("NOT_FOUND");
      expect(await anonymous.auth.invitation({ token: await invitationTokenFor(pending) })).toMatchObject({
        name: "Nina New",
      });
      const otherEmails = (await otherAdmin.user.list()).map((user) => user.email);
      expect(otherEmails).not.toContain(pending);
      expect(otherEmails).not.toContain(expired);

      // A joined user elsewhere: refused with a message that names neither a login nor an account.
      const before = await app.prisma.user.findUniqueOrThrow({ where: { email: other.engineer.email } });
      await expect(
        admin.user.invite({ email: other.engineer.email, name: "X", role: "engineer" }),
      ).rejects.toMatchObject({ data: { code: "CONFLICT" }, message: "This email cannot be invited." });
      expect(await app.prisma.user.findUniqueOrThrow({ where: { email: other.engineer.email } })).toEqual(
        before,
      );
      await Promise.all([admin.close(), otherAdmin.close()]);
    });

    it("refuses bad input and other accounts' ids, writing nothing", async () => {
      const admin = await app.clientFor(account.admin);
      const before = await app.prisma.user.count();
      expect(await codeOf(admin.user.invite({ email: "not an email", name: "X", role: "engineer" }))).toBe(
        "BAD_REQUEST",
      );
      expect(await codeOf(admin.user.invite({ email: "ok@example.test", name: "", role: "engineer" }))).toBe(
        "BAD_REQUEST",
      );
      expect(
        await codeOf(
          admin.user.invite({
            email: "ok@example.test",
            name: "Okay",
            role: "engineer",
            teamId: other.team.id,
          }),
        ),
      ).toBe("NOT_FOUND");
      expect(
        await codeOf(
          admin.user.invite({ email: "ok@example.test", name: "Okay", role: "viewer", isSeniorTech: true }),
        ),
      ).toBe("BAD_REQUEST");
      expect(await app.prisma.user.count()).toBe(before);

      expect(await codeOf(admin.user.update({ userId: other.engineer.id, name: "Hacked" }))).toBe(
        "NOT_FOUND",
      );
      expect(await codeOf(admin.user.deactivate({ userId: other.engineer.id }))).toBe("NOT_FOUND");
      expect(await codeOf(admin.user.update({ userId: account.engineer.id, teamId: other.team.id }))).toBe(
        "NOT_FOUND",
      );
      expect(await codeOf(admin.user.update({ userId: account.engineer.id }))).toBe("BAD_REQUEST");
      expect(await codeOf(admin.team.update({ teamId: other.team.id, name: "Mine now" }))).toBe("NOT_FOUND");
      expect(await app.prisma.user.findUnique({ where: { id: other.engineer.id } })).toMatchObject({
        name: other.engineer.name,
        active: true,
        teamId: other.team.id,
      });
      expect(await app.prisma.user.findUnique({ where: { id: account.engineer.id } })).toMatchObject({
        teamId: account.team.id,
      });
    });

    it("an ADMIN cannot touch an OWNER or grant the owner role; nobody deactivates themselves or changes their own role", async () => {
      const admin = await app.clientFor(account.admin);
      const owner = await app.clientFor(account.owner);
      expect(await codeOf(admin.user.update({ userId: account.owner.id, role: "engineer" }))).toBe(
        "FORBIDDEN",
      );
      expect(await codeOf(admin.user.deactivate({ userId: account.owner.id }))).toBe("FORBIDDEN");
      expect(await codeOf(admin.user.update({ userId: account.engineer.id, role: "owner" }))).toBe(
        "FORBIDDEN",
      );
      expect(
        await codeOf(admin.user.invite({ email: "boss@example.test", name: "Boss", role: "owner" })),
      ).toBe("FORBIDDEN");
      expect(await codeOf(admin.user.deactivate({ userId: account.admin.id }))).toBe("FORBIDDEN");
      expect(await codeOf(admin.user.update({ userId: account.admin.id, role: "engineer" }))).toBe(
        "FORBIDDEN",
      );
      expect(await codeOf(owner.user.deactivate({ userId: account.owner.id }))).toBe("FORBIDDEN");
      expect(await app.prisma.user.findUnique({ where: { id: account.owner.id } })).toMatchObject({
        role: "OWNER",
        active: true,
      });

      // The owner may; a demotion to viewer drops the senior flag; one's own name is fine.
      expect(await admin.user.update({ userId: account.admin.id, name: "Adam A. Admin" })).toMatchObject({
        name: "Adam A. Admin",
        role: "admin",
      });
      expect(await owner.user.update({ userId: account.senior.id, role: "viewer" })).toMatchObject({
        role: "viewer",
        isSeniorTech: false,
      });
      expect(
        await owner.user.update({ userId: account.senior.id, role: "engineer", isSeniorTech: true }),
      ).toMatchObject({
        role: "engineer",
        isSeniorTech: true,
      });
    });

    it("deactivating ends the user's logins at once and their open stream within the re-check interval", async () => {
      const victim = await createTestAccount(app.prisma);
      const admin = await app.clientFor(victim.admin);
      const senior = await app.clientFor(victim.senior);
      const events = collectEvents<TEscalationEvent>();
      const subscription = senior.escalation.onEvent.subscribe({}, events);
      await vi.waitFor(() => expect(app.server.deps.logins.size).toBeGreaterThan(0));
      expect(await codeOf(senior.auth.me())).toBe("OK");

      const deactivatedAt = performance.now();
      expect(await admin.user.deactivate({ userId: victim.senior.id })).toMatchObject({
        status: "deactivated",
      });
      expect(await codeOf(senior.auth.me())).toBe("UNAUTHORIZED");
      expect(await codeOf(login(app.server, victim.senior.email))).toBe("UNAUTHORIZED");
      // Seconds, well under the 30 s default interval: the re-check ended it (generous for a busy machine).
      expect(await events.waitForError(5_000)).toMatchObject({ data: { code: "UNAUTHORIZED" } });
      expect(performance.now() - deactivatedAt).toBeLessThan(5_000);
      subscription.unsubscribe();

      // Back again: a fresh sign-in works; the old login stays ended.
      expect(await admin.user.reactivate({ userId: victim.senior.id })).toMatchObject({ status: "active" });
      expect(await codeOf(senior.auth.me())).toBe("UNAUTHORIZED");
      expect(await codeOf(login(app.server, victim.senior.email))).toBe("OK");
    });

    it("deactivating an invited user withdraws the link; reactivating them asks for a new invitation", async () => {
      resend.respondWith(200);
      const admin = await app.clientFor(account.admin);
      const email = `gone.${account.account.id.slice(0, 8)}@example.test`;
      const { user } = await admin.user.invite({ email, name: "Gone Soon", role: "engineer" });
      const token = await invitationTokenFor(email);
      expect(await admin.user.deactivate({ userId: user.id })).toMatchObject({ status: "deactivated" });
      expect(
        await codeOf(createTestClient(app.server).auth.acceptInvite({ token, password: "a long password" })),
      ).toBe("NOT_FOUND");
      expect(await codeOf(admin.user.reactivate({ userId: user.id }))).toBe("BAD_REQUEST");
    });
  });

  describe("teams", () => {
    it("creates and renames the account's teams; names are unique; members list them, only ADMIN+ change them", async () => {
      const account = await createTestAccount(app.prisma);
      const admin = await app.clientFor(account.admin);
      const engineer = await app.clientFor(account.engineer);
      const created = await admin.team.create({ name: "Network" });
      expect(created).toMatchObject({ name: "Network", memberCount: 0 });
      expect(await codeOf(admin.team.create({ name: "Network" }))).toBe("CONFLICT");
      expect(await codeOf(admin.team.create({ name: "  " }))).toBe("BAD_REQUEST");
      expect(await admin.team.update({ teamId: created.id, name: "Networking" })).toMatchObject({
        name: "Networking",
      });
      expect(await codeOf(admin.team.update({ teamId: created.id, name: "Service Desk" }))).toBe("CONFLICT");
      expect(await codeOf(engineer.team.create({ name: "Rogue" }))).toBe("FORBIDDEN");
      expect((await engineer.team.list()).map((team) => [team.name, team.memberCount])).toEqual([
        ["Networking", 0],
        ["Service Desk", 2],
      ]);
    });
  });

  describe("notification log", () => {
    it("shows who got which email and how it went; a failed one is retried through job.retry", async () => {
      const account = await createTestAccount(app.prisma);
      const admin = await app.clientFor(account.admin);
      const engineer = await app.clientFor(account.engineer);
      resend.respondWith(422);
      const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
      await app.server.deps.jobs.drain();

      const failed = await admin.notification.list({ status: "failed" });
      expect(failed.items.map((item) => item.recipient.email).sort()).toEqual(
        [account.owner.email, account.admin.email, account.senior.email].sort(),
      );
      const first = failed.items[0];
      expect(first).toMatchObject({
        kind: "escalation",
        channel: "email",
        status: "failed",
        attempts: 1,
        handoff: { id: card.id, problemSummary: account.session.problemSummary },
        lastError: expect.stringContaining("422"),
      });
      expect(first?.retryJobId).toEqual(expect.any(String));

      resend.respondWith(200);
      await admin.job.retry({ jobId: first?.retryJobId ?? "" });
      await app.server.deps.jobs.drain();
      const after = await admin.notification.list();
      expect(after.items.find((item) => item.id === first?.id)).toMatchObject({
        status: "sent",
        lastError: null,
        retryJobId: null,
      });

      // Paged newest first, and only the account's own.
      const page = await admin.notification.list({ limit: 2 });
      expect(page.items).toHaveLength(2);
      const rest = await admin.notification.list({ limit: 2, cursor: page.nextCursor ?? "" });
      expect(rest.items.map((item) => item.id)).not.toContain(page.items[0]?.id);
      expect([...page.items, ...rest.items]).toHaveLength(3);
      expect(await codeOf(engineer.notification.list())).toBe("FORBIDDEN");
      expect(await codeOf(admin.notification.list({ cursor: "garbage" }))).toBe("BAD_REQUEST");
    });
  });
});
