// Two-factor sign-in in Chromium: a user sets it up from their security settings (QR code, the
// secret as text, a first code, recovery codes shown once), then signs in in two steps (no login
// cookie after the password, a wrong code refused, the right one lets them in); an owner requires
// it for the account and a member without it sets it up at sign-in before reaching the app; the
// changes show in the admin's audit log. Codes are computed with otplib, as a phone app would.

import { totpCodeAt } from "@handoff/server/testing";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { createAccount, openAs, useApp } from "./harness.ts";

const app = useApp({ hasSecretsKey: true });

async function setUpOnPage(page: Page): Promise<{ secret: string; recoveryCodes: string[] }> {
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const qr = page.getByRole("img", { name: "QR code for your authenticator app" });
  await qr.waitFor();
  expect(await qr.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)).toBe(true);
  const secret = (await page.getByTestId("totp-secret").textContent()) ?? "";
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  await page.getByLabel("Code from the app").fill("000000");
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await page.getByRole("alert").getByText("That code is not right").waitFor();
  await page.getByLabel("Code from the app").fill(await totpCodeAt(secret, 0));
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  const list = page.getByTestId("recovery-codes");
  await list.waitFor();
  const recoveryCodes = await list.locator("li").allTextContents();
  expect(recoveryCodes).toHaveLength(10);
  await page.getByRole("button", { name: "I saved them, continue" }).click();
  return { secret, recoveryCodes };
}

async function passwordStep(page: Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("demo");
  await page.getByRole("button", { name: "Sign in" }).click();
}

const hasLoginCookie = async (page: Page) =>
  (await page.context().cookies()).some((cookie) => cookie.name === "handoff_session");

describe("two-factor sign-in", () => {
  it("is set up from the security settings, then sign-in takes the password and a code", async () => {
    const account = await createAccount(app);
    const { page } = await openAs(app, account.engineer.email, "/settings/security");
    await page.getByTestId("two-factor-state").getByText("Off", { exact: true }).waitFor();
    const { secret } = await setUpOnPage(page);
    await page.getByTestId("two-factor-state").getByText("On", { exact: true }).waitFor();
    expect(await page.getByTestId("two-factor-state").textContent()).toContain(
      "10 of 10 recovery codes left",
    );

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.pathname === "/login");
    await passwordStep(page, account.engineer.email);
    await page.getByRole("heading", { name: "Two-factor sign-in" }).waitFor();
    expect(await hasLoginCookie(page)).toBe(false);

    await page.getByLabel("Code").fill("123456");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByText("That code is not right").waitFor();
    expect(await hasLoginCookie(page)).toBe(false);
    await page.getByLabel("Code").fill(await totpCodeAt(secret, 1));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/sessions");
    await page.getByTestId("current-user").getByText(account.engineer.name).waitFor();
    expect(await hasLoginCookie(page)).toBe(true);
  });

  it("signs in with a recovery code once", async () => {
    const account = await createAccount(app);
    const { page } = await openAs(app, account.senior.email, "/settings/security");
    const { recoveryCodes } = await setUpOnPage(page);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.pathname === "/login");

    await passwordStep(page, account.senior.email);
    await page.getByLabel("Code").fill(recoveryCodes[0] ?? "");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/escalations");
    await page.goto("/settings/security");
    await page.getByText("9 of 10 recovery codes left").waitFor();
  });

  it("an owner requires it: a member without it sets it up at sign-in, and the admin's audit log shows it", async () => {
    const account = await createAccount(app);
    const owner = await openAs(app, account.owner.email, "/admin/security");
    const requirement = owner.page.getByLabel("Require two-factor sign-in for every member");
    // The switch shows the account's setting: it turns on once the server has saved it.
    await requirement.click();
    await owner.page.locator("input[type=checkbox]:checked").waitFor();
    await owner.page.getByRole("status").getByText("don't have two-factor sign-in yet").waitFor();

    const context = await app.browser.newContext({ baseURL: app.origin });
    const page = await context.newPage();
    await passwordStep(page, account.viewer.email);
    await page.getByRole("heading", { name: "Set up two-factor sign-in" }).waitFor();
    expect(await hasLoginCookie(page)).toBe(false);
    await setUpOnPage(page);
    await page.waitForURL((url) => url.pathname === "/sessions");
    await page.getByTestId("current-user").getByText(account.viewer.name).waitFor();

    await owner.page.goto("/admin/audit");
    await owner.page.getByLabel("Action").selectOption({ label: "Two-factor turned on" });
    const rows = owner.page.getByTestId("audit-log").locator("tbody tr");
    await rows.filter({ hasText: account.viewer.name }).waitFor();
    expect(await rows.count()).toBe(1);
    await owner.page.getByLabel("Action").selectOption({ label: "Two-factor requirement changed" });
    await rows.filter({ hasText: account.owner.name }).waitFor();
  });
});
