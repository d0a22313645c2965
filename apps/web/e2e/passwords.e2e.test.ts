// Passwords in the browser: someone who forgot theirs asks for a link on the sign-in page, opens
// the link from the email the server sent (through the real Resend SDK, to a stand-in), chooses a
// new password and signs in with it; someone signed in changes theirs from their account page.
import { type ResendStandIn, startResendStandIn } from "@handoff/server/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { apiAs, createAccount, openAs, useApp } from "./harness.ts";

const NEW_PASSWORD = "correct horse battery staple";

let resend: ResendStandIn;

beforeAll(async () => {
  resend = await startResendStandIn();
});
afterAll(async () => {
  await resend?.close();
});
// Live connections re-check their login often here, so a login ended elsewhere shows within the test.
const app = useApp(() => ({ resend: { baseUrl: resend.baseUrl }, authRecheckMs: 300 }));

/** The link in the reset email sent to `email`, once it is out. */
async function resetLinkSentTo(email: string): Promise<string> {
  return vi.waitFor(
    () => {
      const sent = resend.delivered().find((message) => message.to.includes(email));
      const link = sent?.text.match(/^http\S+\/reset-password#token=\S+$/m)?.[0];
      if (!link) throw new Error(`no reset email reached ${email} yet`);
      return link;
    },
    { timeout: 15_000, interval: 100 },
  );
}

async function fillNewPassword(page: Page, password: string) {
  await page.getByLabel("New password (10 characters or more)").fill(password);
  await page.getByLabel("New password again").fill(password);
}

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe("passwords", () => {
  it("resets a forgotten password through the emailed link, then signs in with the new one", async () => {
    const account = await createAccount(app);
    const user = account.engineer;
    const context = await app.browser.newContext({ baseURL: app.origin });
    const page = await context.newPage();

    await page.goto("/login");
    await page.getByLabel("Email").fill(user.email);
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await page.waitForURL((url) => url.pathname === "/forgot-password");
    expect(await page.getByLabel("Email").inputValue()).toBe(user.email);
    await page.getByRole("button", { name: "Send me a link" }).click();
    await page.getByRole("status").getByText("we sent it a link").waitFor();

    const link = await resetLinkSentTo(user.email);
    expect(link.startsWith(`${app.origin}/reset-password#token=`)).toBe(true);
    // A hard load of the emailed link, as a mail client opens it.
    await page.goto(link);
    await fillNewPassword(page, "too short");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByRole("alert").getByText("at least 10 characters").waitFor();
    await fillNewPassword(page, NEW_PASSWORD);
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByRole("status").getByText("signed out everywhere").waitFor();

    await page.getByRole("link", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/login");
    await signIn(page, user.email, "demo");
    await page.getByRole("alert").getByText("don't match").waitFor();
    await signIn(page, user.email, NEW_PASSWORD);
    await page.waitForURL((url) => url.pathname === "/sessions");
    await page.getByTestId("current-user").getByText(user.name).waitFor();

    // The link worked once.
    await page.goto(link);
    await fillNewPassword(page, "another new passphrase");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByRole("alert").getByText("no longer valid").waitFor();
  });

  it("changes the password from the account page; other logins end, this one stays", async () => {
    const account = await createAccount(app);
    const user = account.senior;
    const elsewhere = await apiAs(app, user.email);
    const { page } = await openAs(app, user.email, "/sessions");

    await page.getByTestId("current-user").getByRole("link", { name: user.name }).click();
    await page.waitForURL((url) => url.pathname === "/account");
    await page.getByRole("heading", { name: "Change password" }).waitFor();

    await page.getByLabel("Current password").fill("not my password");
    await fillNewPassword(page, NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByRole("alert").getByText("That is not your current password.").waitFor();

    await page.getByLabel("Current password").fill("demo");
    await page.getByLabel("New password again").fill(`${NEW_PASSWORD}!`);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByRole("alert").getByText("not the same").waitFor();

    await fillNewPassword(page, NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByRole("status").getByText("You were signed out on 1 other device.").waitFor();
    await vi.waitFor(() =>
      expect(elsewhere.trpc.auth.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } }),
    );

    // This browser stays signed in; signing out and in again takes the new password.
    await page.goto("/sessions");
    await page.getByTestId("current-user").getByText(user.name).waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.pathname === "/login");
    await signIn(page, user.email, NEW_PASSWORD);
    await page.waitForURL((url) => url.pathname !== "/login");
    await page.getByTestId("current-user").getByText(user.name).waitFor();
  });
});
