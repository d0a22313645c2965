// Sign-in through the real server: cookie sessions stored as hashes, logins that reveal nothing
// about which emails exist, and sign-out that really ends the session. Failed sign-ins are
// throttled in login-protection.integration.test.ts.
import { createHash } from "node:crypto";
import { createTestAccount } from "@handoff/db/testing";
import { describe, expect, it } from "vitest";
import { createTestClient, login } from "../src/testing/index.ts";
import { useTestServer } from "./support/use-test-server.ts";

const app = useTestServer();

type TLoginReply = {
  result?: { data: { json: { token: string | null } } };
  error?: { json: { message: string } };
};

async function postLogin(body: object) {
  return fetch(`${app.server.url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: body }),
  });
}

describe("auth", () => {
  it("sets an httpOnly SameSite=Lax cookie and stores only a hash of the token", async () => {
    const account = await createTestAccount(app.prisma);
    const response = await postLogin({ email: account.senior.email, password: "demo" });
    expect(response.status).toBe(200);
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^handoff_session=[^;]+/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const body = (await response.json()) as TLoginReply;
    expect(body.result?.data.json.token).toBeNull();

    const token = decodeURIComponent(/^handoff_session=([^;]+)/.exec(cookie)?.[1] ?? "");
    const stored = await app.prisma.authSession.findMany({ where: { userId: account.senior.id } });
    expect(stored.map((session) => session.tokenHash)).toEqual([
      createHash("sha256").update(token).digest("hex"),
    ]);

    const me = await createTestClient(app.server, { token }).auth.me();
    expect(me).toMatchObject({ email: account.senior.email, role: "engineer", isSeniorTech: true });
    expect(me.account.id).toBe(account.account.id);
  });

  it("answers a wrong password and an unknown email with the same UNAUTHORIZED message", async () => {
    const account = await createTestAccount(app.prisma);
    const wrongPassword = await postLogin({ email: account.engineer.email, password: "nope" });
    const unknownEmail = await postLogin({ email: "nobody@nowhere.test", password: "nope" });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const [a, b] = [(await wrongPassword.json()) as TLoginReply, (await unknownEmail.json()) as TLoginReply];
    expect(a.error?.json.message).toBe("That email and password don't match an active account.");
    expect(b.error?.json.message).toBe(a.error?.json.message);
  });

  it("refuses deactivated users", async () => {
    const account = await createTestAccount(app.prisma);
    await app.prisma.user.update({
      where: { id: account.engineer.id },
      data: { deletedAt: new Date() },
    });
    await expect(login(app.server, account.engineer.email)).rejects.toMatchObject({
      data: { code: "UNAUTHORIZED" },
    });
  });

  it("ends the session on logout", async () => {
    const account = await createTestAccount(app.prisma);
    const client = await app.clientFor(account.owner);
    await client.auth.logout();
    await expect(client.auth.me()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    expect(await app.prisma.authSession.count({ where: { userId: account.owner.id } })).toBe(0);
  });
});
