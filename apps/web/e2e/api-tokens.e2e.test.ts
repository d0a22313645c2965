// API tokens in the browser: made on the account page (the secret shown once), used as a Bearer
// token, listed with its last use after a reload (without the secret), and revoked.
import { createTestClient } from "@handoff/server/testing";
import { describe, expect, it } from "vitest";
import { createAccount, openAs, useApp } from "./harness.ts";

const app = useApp();

function bearerMe(secret: string) {
  return fetch(`${app.server.url}/trpc/auth.me`, { headers: { authorization: `Bearer ${secret}` } });
}

describe("API tokens on /account", () => {
  it("makes a token shown once, lists its last use, and revokes it", async () => {
    const account = await createAccount(app);
    const { page } = await openAs(app, account.senior.email, "/account");

    // No scope at all: the server's message shows under the scopes.
    await page.getByLabel("Name").fill("laptop terminal");
    await page.getByRole("checkbox", { name: /^read/ }).uncheck();
    await page.getByRole("button", { name: "Make token" }).click();
    await page.getByText("Choose at least one scope.").waitFor();

    await page.getByRole("checkbox", { name: /^read/ }).check();
    await page.getByRole("checkbox", { name: /^claim/ }).check();
    await page.getByLabel("Expires after").selectOption("30");
    await page.getByRole("button", { name: "Make token" }).click();
    const secret = (await page.getByTestId("token-secret").textContent()) ?? "";
    expect(secret).toMatch(/^hnd_[A-Za-z0-9_-]{43}$/);
    await page.getByRole("status").getByText("it is shown this once").waitFor();

    expect((await bearerMe(secret)).status).toBe(200);
    await createTestClient(app.server, { token: secret, sendsTokenAs: "bearer" }).handoff.queue({});

    await page.reload();
    const listed = page.getByTestId("api-token").filter({ hasText: "laptop terminal" });
    await listed.getByText("read, claim · Active").waitFor();
    await listed.getByText("from 127.0.0.1").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("token-secret").count()).toBe(0);
    expect(await page.content()).not.toContain(secret.slice(8));

    await listed.getByRole("button", { name: "Revoke laptop terminal" }).click();
    await listed.getByText("read, claim · Revoked").waitFor();
    expect((await bearerMe(secret)).status).toBe(401);
  });
});
