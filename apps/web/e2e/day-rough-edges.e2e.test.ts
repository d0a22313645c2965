// The rough edges of a tech's day, each in a real browser against the real server: text typed while
// a step saves, long pastes, invitations with email off, the policy form's field errors, a dead-end
// branch, focus after a keyboard claim, desktop alerts without permission, the offline queue.
import { describe, expect, it } from "vitest";
import { apiAs, createAccount, focusedElement, openAs, openQueue, queueCards, useApp } from "./harness.ts";

const app = useApp();

const SLOW_SAVE_MS = 1_500;

describe("a tech's day, rough edges smoothed", () => {
  it("keeps the next step typed while the first one saves, and adds both in order", async () => {
    const account = await createAccount(app);
    const { page } = await openAs(app, account.engineer.email, `/sessions/${account.session.id}`);
    await page.route("**/trpc/session.addEntry*", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, SLOW_SAVE_MS));
      await route.continue();
    });
    const box = page.getByRole("textbox", { name: "Step" });

    await box.fill("Flushed the DNS cache");
    await box.press("Enter");
    await box.pressSequentially("Renewed the DHCP lease");
    await box.press("Enter");
    await page.getByTestId("composer-outbox").getByText("Renewed the DHCP lease").waitFor();
    expect(await box.inputValue()).toBe("");

    const entries = page.getByTestId("session-entries");
    await entries.getByText("Renewed the DHCP lease").waitFor({ timeout: 10_000 });
    const texts = await entries.locator("li").allInnerTexts();
    const flushed = texts.findIndex((text) => text.includes("Flushed the DNS cache"));
    const renewed = texts.findIndex((text) => text.includes("Renewed the DHCP lease"));
    expect(flushed).toBeGreaterThanOrEqual(0);
    expect(renewed).toBeGreaterThan(flushed);
    await page.getByTestId("composer-outbox").waitFor({ state: "detached" });
  });

  it("saves a 10,000-character log whole, collapsed; refuses a longer one with a message, keeping it", async () => {
    const account = await createAccount(app);
    const { page } = await openAs(app, account.engineer.email, `/sessions/${account.session.id}`);
    await page.getByRole("radio", { name: "Note" }).check({ force: true });
    const box = page.getByRole("textbox", { name: "Note" });
    const line = "2026-12-06 09:14:07 ERROR AADSTS50076 MFA required for resource 00000003-0000\n";
    const log = `${line.repeat(Math.ceil(10_000 / line.length))}`.slice(0, 9_999).concat("END");

    await box.fill(log);
    await page.getByRole("button", { name: "Add note" }).click();
    const entry = page.getByTestId("session-entries").locator("li").filter({ hasText: "AADSTS50076" });
    await entry.getByRole("button", { name: /Show all 10,002 characters/ }).click();
    await entry.getByText(/END$/).waitFor();
    const saved = await app.server.deps.prisma.sessionMessage.findFirst({
      where: { sessionId: account.session.id, body: { startsWith: "2026-12-06" } },
    });
    expect(saved?.body).toBe(log);

    const tooLong = "x".repeat(25_000);
    await box.fill(tooLong);
    await page.getByRole("alert").filter({ hasText: "5,000 over the limit of 20,000" }).waitFor();
    expect(await page.getByRole("button", { name: "Add note" }).isDisabled()).toBe(true);
    expect((await box.inputValue()).length).toBe(25_000);
  });

  it("says an invitation was not emailed when no email provider is set, with the link to copy and a new one per user", async () => {
    const account = await createAccount(app);
    const { page, context } = await openAs(app, account.admin.email, "/admin/users");
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const form = page.getByRole("form", { name: "Invite someone" });
    await form.getByLabel("Email").fill(`nina.${account.account.id.slice(0, 8)}@example.test`);
    await form.getByLabel("Name").fill("Nina Patel");
    await form.getByRole("button", { name: "Send invitation" }).click();

    const invitation = page.getByTestId("invitation");
    await invitation.getByText("Not emailed").waitFor();
    expect(await invitation.textContent()).not.toContain("Invitation emailed");
    const firstLink = await invitation.getByTestId("invite-url").textContent();
    await invitation.getByRole("button", { name: "Copy link" }).click();
    await invitation.getByRole("button", { name: "Copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(firstLink);

    await page.locator("tr", { hasText: "Nina Patel" }).getByRole("button", { name: "New link" }).click();
    await expect.poll(() => invitation.getByTestId("invite-url").textContent()).not.toBe(firstLink);
    expect(await invitation.getByTestId("invite-url").textContent()).toMatch(/\/invite#/);
  });

  it("shows a policy problem under the field it is about, with units beside every input", async () => {
    const account = await createAccount(app);
    const { page } = await openAs(app, account.admin.email, "/admin/policy");
    const urgent = page.locator(".policy-field", { hasText: "Urgent" });
    await urgent.getByRole("spinbutton").fill("0");
    await page.getByRole("button", { name: "Save policy" }).click();

    await urgent.getByRole("alert").filter({ hasText: "at least 1" }).waitFor();
    expect(await page.locator(".policy-field", { hasText: "High" }).getByRole("alert").count()).toBe(0);
    expect(await urgent.getByText("min", { exact: true }).count()).toBe(1);
  });

  it("stops a dead-end branch being the active one: no badge, new steps no longer go on it", async () => {
    const account = await createAccount(app);
    const engineer = await apiAs(app, account.engineer.email);
    const branch = await engineer.session.openBranch({
      sessionId: account.session.id,
      label: "Stale Kerberos ticket",
    });
    const { page } = await openAs(app, account.engineer.email, `/sessions/${account.session.id}`);
    const node = page.locator(".branch", { hasText: "Stale Kerberos ticket" }).first();
    await node.getByText("Active branch").waitFor();

    await node.getByRole("button", { name: "Dead end" }).click();
    await node.getByRole("button", { name: "Mark dead end" }).click();
    await expect.poll(() => node.getByText("Active branch").count()).toBe(0);
    expect(await page.locator(".composer__where").textContent()).not.toContain("Stale Kerberos ticket");
    const detail = await engineer.session.byId({ sessionId: account.session.id });
    expect(detail.activeBranchId).not.toBe(branch.id);
  });

  it("after claiming with c, focuses the undo bar; u undoes and focus lands back on that card", async () => {
    const account = await createAccount(app);
    const engineer = await apiAs(app, account.engineer.email);
    const handoff = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
    const { page } = await openQueue(app, account.senior.email);
    const card = queueCards(page, account.session.problemSummary);
    await card.waitFor();

    await page.keyboard.press("j");
    await page.keyboard.press("c");
    await page.waitForURL((url) => url.pathname === `/handoffs/${handoff.id}`);
    const bar = page.getByTestId("claim-undo");
    await expect.poll(() => bar.evaluate((element) => element === document.activeElement)).toBe(true);

    await page.keyboard.press("u");
    await page.waitForURL((url) => url.pathname === "/escalations");
    await expect.poll(() => focusedElement(page), { timeout: 10_000 }).toBe(`card ${handoff.id}`);
  });

  it("says why desktop alerts stayed off when the browser refuses notifications", async () => {
    const account = await createAccount(app);
    const { page } = await openQueue(app, account.senior.email);
    await page.evaluate(() => {
      Notification.requestPermission = async () => "denied";
    });
    const toggle = page.getByRole("button", { name: "Desktop alerts" });
    await toggle.click();

    await page.getByTestId("desktop-alerts-problem").getByText("blocked for this site").waitFor();
    expect(await toggle.getAttribute("aria-pressed")).toBe("false");
  });

  it("does not promise live arrivals on an empty queue while offline", async () => {
    const account = await createAccount(app);
    const { page, context } = await openQueue(app, account.senior.email);
    const empty = page.getByTestId("queue-empty");
    await empty.getByText("it stays live on its own").waitFor();

    await context.setOffline(true);
    await page.evaluate(() => window.dispatchEvent(new Event("offline")));
    await page
      .locator('[data-testid="connection-pill"]:not([data-status="live"])')
      .waitFor({ timeout: 30_000 });
    await empty.getByText("Not connected right now").waitFor();
    expect(await empty.textContent()).not.toContain("stays live");
    await context.setOffline(false);
  });
});
