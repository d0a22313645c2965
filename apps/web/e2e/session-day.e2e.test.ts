// A real MSP day in real browsers against the real server: Alice opens a session for a ticket,
// works it and escalates it; Sam claims it from his live queue, undoes, claims again, carries
// on, releases it from the session page, takes it again and resolves it. Every open page follows
// along without a reload, a VIEWER's too; Bob and the VIEWER only read. Also: resolving a session takes its waiting handoff out of every open queue.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  addPerson,
  apiAs,
  createAccount,
  openAs,
  openQueue,
  queueCards,
  readmeScreenshot,
  screenshot,
  useApp,
} from "./harness.ts";

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

const app = useApp();

async function waitLive(page: Page) {
  await page.locator('[data-testid="connection-pill"][data-status="live"]').waitFor();
}

describe("a day with Handoff", () => {
  it("opens, works, escalates, claims, undoes, claims again, continues and resolves a session, live for everyone", async () => {
    const account = await createAccount(app, { name: "Acme IT" });
    const alice = await addPerson(app, account, { name: "Alice Moreno" });
    const bob = await addPerson(app, account, { name: "Bob Tanaka" });
    const sam = await addPerson(app, account, { name: "Sam Ortiz", isSeniorTech: true });
    const sara = await addPerson(app, account, { name: "Sara Lindqvist", isSeniorTech: true });
    const summary = "Outlook keeps asking for the password";
    const admin = await apiAs(app, account.admin.email);
    await admin.account.update({ psaTicketUrlTemplate: "https://psa.example.test/tickets?recid={id}" });
    const { page: samPage } = await openQueue(app, sam.email);
    const { page: saraQueue } = await openQueue(app, sara.email);

    // 08:55 Alice opens a session for the ticket.
    const { page: alicePage } = await openAs(app, alice.email, "/sessions");
    await alicePage.getByRole("button", { name: "New session" }).click();
    const create = alicePage.getByRole("dialog");
    await create.getByLabel("Problem").fill(summary);
    await create.getByLabel("Domain").fill("Microsoft 365");
    await create.getByLabel("PSA ticket").fill("48213");
    await create.getByRole("button", { name: "Start session" }).click();
    await alicePage.getByRole("heading", { name: summary }).waitFor();
    const sessionId = new URL(alicePage.url()).pathname.split("/").at(-1) ?? "";
    await waitLive(alicePage);
    const ticket = alicePage.getByRole("link", { name: /Ticket 48213/ });
    expect(await ticket.getAttribute("href")).toBe("https://psa.example.test/tickets?recid=48213");

    // Two steps: Enter adds one, Shift+Enter is a new line inside it.
    const step = alicePage.getByRole("textbox", { name: "Step" });
    await step.fill("Cleared the cached credentials in Credential Manager");
    await step.press("Enter");
    await alicePage.getByTestId("session-entries").getByText("Cleared the cached credentials").waitFor();
    await step.pressSequentially("Signed in on OWA: works");
    await step.press("Shift+Enter");
    await step.pressSequentially("so the account itself is fine");
    await step.press("Enter");
    await expect.poll(() => alicePage.getByTestId("step-count").textContent()).toBe("2");
    const stored = await app.server.deps.prisma.sessionMessage.findMany({
      where: { sessionId },
      orderBy: { createdAt: "asc" },
    });
    expect(stored.map((message) => message.body)).toEqual([
      "Cleared the cached credentials in Credential Manager",
      "Signed in on OWA: works\nso the account itself is fine",
    ]);

    // A branch that turns out to be a dead end.
    await alicePage.getByRole("button", { name: "New branch" }).click();
    await alicePage.getByLabel("New branch").fill("Re-create the Outlook profile");
    await alicePage.getByRole("button", { name: "Open branch", exact: true }).click();
    const branch = alicePage.getByTestId("branch").filter({ hasText: "Re-create the Outlook profile" });
    await branch.getByText("Active branch").waitFor();
    await branch.getByRole("button", { name: "Dead end" }).click();
    await alicePage.getByLabel("Why it was a dead end").fill("Same prompt with a brand-new profile");
    await alicePage.getByRole("button", { name: "Mark dead end" }).click();
    await expect.poll(() => branch.getAttribute("data-branch-status")).toBe("dead_end");
    await branch.getByText("Same prompt with a brand-new profile").waitFor();

    // 09:40 She escalates it; it slides into Sam's open queue.
    await alicePage.getByRole("button", { name: "Escalate" }).click();
    const escalate = alicePage.getByRole("dialog");
    await escalate
      .getByLabel("Notes for whoever picks this up")
      .fill("Modern auth looks broken for this one user. Profile rebuild did nothing.");
    await escalate.getByText("High", { exact: true }).click();
    await escalate.getByRole("button", { name: "Escalate" }).click();
    await alicePage.getByTestId("open-handoff").waitFor();
    await queueCards(samPage, summary).waitFor({ timeout: 15_000 });
    await queueCards(saraQueue, summary).waitFor({ timeout: 15_000 });

    // Sam claims it, thinks better of it and undoes within 10 s: back in Sara's queue, live.
    await queueCards(samPage, summary).getByTestId("claim-button").click();
    await samPage.waitForURL("**/handoffs/**");
    await queueCards(saraQueue, summary).waitFor({ state: "detached", timeout: 15_000 });
    await alicePage.getByTestId("claimed-by").getByText("Claimed by Sam Ortiz").waitFor({ timeout: 15_000 });
    await samPage.getByTestId("claim-undo").getByRole("button", { name: /Undo/ }).click();
    await samPage.waitForURL((url) => url.pathname === "/escalations");
    await queueCards(saraQueue, summary).waitFor({ timeout: 15_000 });
    await alicePage.getByTestId("open-handoff").waitFor({ timeout: 15_000 });
    expect(await alicePage.getByTestId("claimed-by").count()).toBe(0);

    // Then claims it for real with the keyboard, and carries on in the session.
    await queueCards(samPage, summary).focus();
    await samPage.keyboard.press("c");
    await samPage.waitForURL("**/handoffs/**");
    await samPage.getByTestId("claim-undo").getByRole("button", { name: "Dismiss" }).click();
    await alicePage.getByTestId("claimed-by").getByText("Claimed by Sam Ortiz").waitFor({ timeout: 15_000 });
    await samPage.getByRole("link", { name: "Continue the session →" }).click();
    await samPage.getByRole("heading", { name: summary }).waitFor();
    await waitLive(samPage);
    // Alice's page turned read-only the moment Sam took it.
    await alicePage.getByTestId("read-only").getByText("Sam Ortiz holds this session").waitFor();
    expect(await alicePage.getByRole("textbox", { name: "Step" }).count()).toBe(0);

    // A VIEWER reads along, live too (its stream carries the session's changes, not the queue).
    const { page: viewerPage } = await openAs(app, account.viewer.email, `/sessions/${sessionId}`);
    await waitLive(viewerPage);
    await viewerPage.getByTestId("claimed-by").getByText("Claimed by Sam Ortiz").waitFor();

    // Sam hands it back from the session page itself: back in Sara's queue and on Alice's and the
    // viewer's pages live; then he takes it again from its handoff page.
    await samPage.getByTestId("claimed-by").getByRole("button", { name: "Release to queue" }).click();
    await queueCards(saraQueue, summary).waitFor({ timeout: 15_000 });
    for (const page of [alicePage, viewerPage])
      await page.getByTestId("open-handoff").waitFor({ timeout: 15_000 });
    await samPage.getByTestId("open-handoff").getByRole("link", { name: "View handoff" }).click();
    await samPage.getByRole("button", { name: "Claim & continue" }).click();
    await samPage.getByRole("heading", { name: summary }).waitFor();
    await samPage.getByTestId("claim-undo").getByRole("button", { name: "Dismiss" }).click();
    await viewerPage.getByTestId("claimed-by").getByText("Claimed by Sam Ortiz").waitFor({ timeout: 15_000 });
    await queueCards(saraQueue, summary).waitFor({ state: "detached", timeout: 15_000 });
    await samPage.getByRole("textbox", { name: "Step" }).waitFor();

    // A new line of attack, a branch under it (now the active one), a step on it, and its outcome.
    await samPage.getByRole("button", { name: "New branch" }).click();
    await samPage.getByLabel("New branch").fill("Check the Entra sign-in logs");
    await samPage.getByRole("button", { name: "Open branch", exact: true }).click();
    const logs = samPage.getByTestId("branch").filter({ hasText: "Check the Entra sign-in logs" }).first();
    await logs.getByText("Active branch").waitFor();
    await logs.getByRole("button", { name: "Branch from here" }).first().click();
    await samPage
      .getByLabel("New branch under Check the Entra sign-in logs")
      .fill("Reset the MFA registration");
    await samPage.getByRole("button", { name: "Open branch", exact: true }).click();
    // The innermost match: its parent's item contains its text too.
    const mfa = samPage.getByTestId("branch").filter({ hasText: "Reset the MFA registration" }).last();
    await mfa.getByText("Active branch").waitFor();
    const samStep = samPage.getByRole("textbox", { name: "Step" });
    await samStep.fill("Reset the user's MFA registration and signed in again");
    await samStep.press("Enter");
    await alicePage.getByTestId("session-entries").getByText("Reset the user's MFA registration").waitFor({
      timeout: 15_000,
    });
    await expect.poll(() => alicePage.getByTestId("step-count").textContent()).toBe("3");
    await mfa.getByRole("button", { name: "Resolved" }).click();
    await samPage.getByLabel("What it fixed").fill("User re-registered; no more prompts");
    await samPage.getByRole("button", { name: "Mark resolved" }).click();
    await expect.poll(() => mfa.getAttribute("data-branch-status")).toBe("resolved");
    await logs.getByRole("button", { name: "Make active" }).click();
    await logs.locator(":scope > .branch__row").getByText("Active branch").waitFor();
    expect(await mfa.getByText("Active branch").count()).toBe(0);
    await samPage.getByText("High", { exact: true }).click();
    await alicePage.getByText("high confidence").waitFor({ timeout: 15_000 });
    await alicePage.getByTestId("branch").filter({ hasText: "Reset the MFA registration" }).last().waitFor();
    expect(await samPage.getByTestId("claim-undo").count()).toBe(0);
    // The header's actions line up with the cards below them: nothing sticks out of its column.
    const edges = await samPage.evaluate(() =>
      [".page-header__actions", ".handoff__layout", ".handoff__aside .panel"].map(
        (selector) => document.querySelector(selector)?.getBoundingClientRect().right,
      ),
    );
    expect(new Set(edges).size).toBe(1);
    await readmeScreenshot(samPage, "session.png");

    // Bob and a VIEWER read along; neither gets a single control, and the API refuses them too.
    const { page: bobPage } = await openAs(app, bob.email, `/sessions/${sessionId}`);
    await bobPage.getByTestId("read-only").getByText("Sam Ortiz holds this session").waitFor();
    await viewerPage
      .getByTestId("read-only")
      .getByText("Held by Sam Ortiz. Your role is read-only.")
      .waitFor();
    for (const page of [bobPage, viewerPage, alicePage]) {
      for (const name of ["Resolve", "Escalate", "Park", "New branch", "Add step"]) {
        expect(await page.getByRole("button", { name, exact: true }).count()).toBe(0);
      }
      expect(await page.getByRole("textbox", { name: "Step" }).count()).toBe(0);
    }
    for (const email of [bob.email, account.viewer.email]) {
      const client = await apiAs(app, email);
      await expect(
        client.session.addEntry({ sessionId, kind: "note", body: "Me too" }),
      ).rejects.toMatchObject({
        data: { code: "FORBIDDEN" },
      });
    }

    // Sam resolves it; Alice's page says so without a reload.
    await samPage.getByRole("button", { name: "Resolve", exact: true }).click();
    await samPage
      .getByRole("dialog")
      .getByLabel("Resolution")
      .fill("Stale MFA registration: reset it and the user re-registered.");
    await samPage.getByRole("dialog").getByRole("button", { name: "Resolve", exact: true }).click();
    await samPage.getByTestId("resolution").waitFor();
    for (const page of [alicePage, viewerPage]) {
      await page.getByTestId("resolution").getByText("Stale MFA registration").waitFor({ timeout: 15_000 });
    }
    await samPage.getByRole("button", { name: "Reopen" }).waitFor();
    await screenshot(alicePage, "session-read-only.png");

    // Alice's list shows it resolved; on a phone it is a card with nothing cut off.
    const aliceApi = await apiAs(app, alice.email);
    const printer = await aliceApi.session.create({
      problemSummary: "Label printer in the warehouse prints half a label",
      problemDomain: "Printing",
      psaTicketId: "48230",
      confidenceTier: "medium",
    });
    await aliceApi.handoff.park({ sessionId: printer.id, notes: "Waiting for the user to send a photo." });
    await aliceApi.session.create({
      problemSummary: "New starter needs a Teams phone number before Monday",
      problemDomain: "Teams Phone",
      psaTicketId: "48241",
    });
    const { page: phone } = await openAs(app, alice.email, "/sessions", PHONE);
    const row = phone.getByTestId("session-row").filter({ hasText: summary });
    await row.getByText("Resolved").waitFor();
    await expect.poll(() => phone.getByTestId("session-row").count()).toBe(3);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await readmeScreenshot(phone, "sessions-phone.png");
    await phone.goto(`/sessions/${sessionId}`);
    await phone.getByRole("heading", { name: summary }).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phone, "session-phone.png");
  }, 180_000); // a whole day, in four browsers (five pages), on a busy 2-core machine

  it("takes a resolved session's waiting handoff out of every open queue, live", async () => {
    const account = await createAccount(app);
    const engineer = await apiAs(app, account.engineer.email);
    const handoff = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "urgent" });
    const summary = account.session.problemSummary;
    const queues = await Promise.all(
      [account.senior.email, account.senior2.email].map(async (email) => (await openQueue(app, email)).page),
    );
    await Promise.all(queues.map((page) => queueCards(page, summary).waitFor()));
    const { page: context } = await openAs(app, account.admin.email, `/handoffs/${handoff.id}`);
    await waitLive(context);

    const { page } = await openAs(app, account.engineer.email, `/sessions/${account.session.id}`);
    await page.getByRole("button", { name: "Resolve", exact: true }).click();
    await page.getByRole("dialog").getByLabel("Resolution").fill("The user fixed it themselves.");
    await page.getByRole("dialog").getByRole("button", { name: "Resolve", exact: true }).click();
    await page.getByTestId("resolution").waitFor();
    expect(await page.getByTestId("open-handoff").count()).toBe(0);

    await Promise.all(
      queues.map((queue) => queueCards(queue, summary).waitFor({ state: "detached", timeout: 15_000 })),
    );
    // The handoff's own page says it was withdrawn, instead of offering a claim that would fail.
    await context.getByTestId("claim-panel").getByText("Withdrawn").waitFor({ timeout: 15_000 });
    expect(await context.getByRole("button", { name: "Claim & continue" }).count()).toBe(0);
    const left = await (await apiAs(app, account.senior.email)).handoff.queue({});
    expect(left.handoffs.map((card) => card.sessionId)).not.toContain(account.session.id);
  });

  it("searches sessions as you type, notes and tickets included, and pages with a cursor", async () => {
    const account = await createAccount(app);
    const engineer = await apiAs(app, account.engineer.email);
    for (let batch = 1; batch <= 27; batch += 1) {
      await engineer.session.create({
        problemSummary: `Monthly patching, batch ${batch}`,
        problemDomain: "Windows",
      });
    }
    const vpn = await engineer.session.create({
      problemSummary: "VPN drops at 5 pm",
      problemDomain: "Network",
      psaTicketId: "CW-77001",
    });
    await engineer.session.addEntry({ sessionId: vpn.id, kind: "note", body: "Only on the guest Wi-Fi" });

    const { page } = await openAs(app, account.engineer.email, "/sessions");
    const rows = page.getByTestId("session-row");
    await expect.poll(() => rows.count()).toBe(25);
    await page.getByRole("button", { name: "Show more" }).click();
    await expect.poll(() => rows.count()).toBe(29);
    expect(await page.getByRole("button", { name: "Show more" }).count()).toBe(0);

    const searches: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("session.list")) searches.push(request.url());
    });
    const search = page.getByRole("searchbox");
    await search.pressSequentially("guest wi-fi", { delay: 40 });
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("VPN drops at 5 pm");
    // Typed letter by letter, asked once the typing paused (debounced), not once per key.
    expect(searches.length).toBeLessThanOrEqual(2);

    await search.fill("CW-77001");
    await expect.poll(() => rows.count()).toBe(1);
    // No ticket link template in this account: the ticket is plain text.
    await rows.first().getByText("Ticket CW-77001").waitFor();
    expect(
      await rows
        .first()
        .getByRole("link", { name: /Ticket/ })
        .count(),
    ).toBe(0);
    await search.fill("printer");
    await page.getByTestId("sessions-empty").getByText("No sessions match that search").waitFor();
    await search.press("Escape");
    await expect.poll(() => rows.count()).toBe(29); // the pages already shown, from the cache
  });
});
