// Around the claim, in a real browser against the real server: the undo bar after a claim puts
// the handoff back in every queue, "Release to queue" does the same later, the park/escalate
// dialog keeps its draft, two seniors on one handoff see each other (presence), "New session" starts one, and the sessions list fits a phone.
import { describe, expect, it } from "vitest";
import { apiAs, createAccount, openAs, openQueue, queueCards, useApp } from "./harness.ts";

/** The web app's undo window after a claim (UNDO_WINDOW_MS in src/handoffs/claim-undo.tsx). */
const UNDO_WINDOW_MS = 10_000;

const app = useApp();

describe("claim, undo and release", () => {
  it("offers an undo after a claim with the c key, which puts the card back in every queue", async () => {
    const account = await createAccount(app);
    const engineer = await apiAs(app, account.engineer.email);
    const { page: sid } = await openQueue(app, account.senior.email);
    const { page: sara } = await openQueue(app, account.senior2.email);
    const summary = account.session.problemSummary;
    await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
    await Promise.all([queueCards(sid, summary).waitFor(), queueCards(sara, summary).waitFor()]);

    await queueCards(sid, summary).focus();
    await sid.keyboard.press("c");
    await sid.waitForURL("**/handoffs/**");
    await queueCards(sara, summary).waitFor({ state: "detached" });
    const undo = sid.getByTestId("claim-undo");
    expect(await undo.textContent()).toContain(`You claimed ${summary}`);

    await undo.getByRole("button", { name: /Undo/ }).click();
    await sid.waitForURL((url) => url.pathname === "/escalations");
    await queueCards(sara, summary).waitFor();
    await queueCards(sid, summary).waitFor();
    expect(await sid.getByTestId("claim-undo").count()).toBe(0);
    const queue = await (await apiAs(app, account.senior.email)).handoff.queue({});
    expect(queue.handoffs.map((card) => card.sessionId)).toContain(account.session.id);
  });

  it("lets the undo bar run out after 10 s, then releases from the handoff page", async () => {
    const account = await createAccount(app);
    const engineer = await apiAs(app, account.engineer.email);
    const handoff = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "normal" });
    // The window runs on the page's clock, moved on here instead of waited out.
    const { context, page } = await openAs(
      app,
      account.senior.email,
      `/handoffs/${handoff.id}`,
      {},
      { hasManualClock: true },
    );

    await page.getByRole("button", { name: "Claim & continue" }).click();
    await page.waitForURL(`**/sessions/${account.session.id}`);
    const undo = page.getByTestId("claim-undo");
    await undo.waitFor();
    // Halfway through, it is still offered, counting down…
    await context.clock.fastForward(UNDO_WINDOW_MS / 2);
    await undo.getByRole("button", { name: /^Undo \([1-5]s\)$/ }).waitFor({ timeout: 15_000 });
    // …and just past the window it is gone. The page's time flows on during the wait as well, so
    // the wait stays short: a window much longer than 10 s still fails here.
    await context.clock.fastForward(UNDO_WINDOW_MS / 2 + 500);
    await undo.waitFor({ state: "detached", timeout: 2_000 });

    await page.goto(`/handoffs/${handoff.id}`);
    await page.getByText("You claimed this").waitFor();
    await page.getByRole("button", { name: "Release to queue" }).click();
    await page.getByRole("button", { name: "Claim & continue" }).waitFor();
    const queue = await (await apiAs(app, account.senior2.email)).handoff.queue({});
    expect(queue.handoffs.map((card) => card.id)).toContain(handoff.id);
  });
});

describe("live pages", () => {
  it("shows the claim and the release on the engineer's session page and a senior's handoff page, without polling", async () => {
    const account = await createAccount(app);
    const engineer = await apiAs(app, account.engineer.email);
    const handoff = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
    // Both pages' timers run on their clocks, so the quiet stretch below needs no real waiting.
    const manualClock = { hasManualClock: true };
    const erinOpened = await openAs(
      app,
      account.engineer.email,
      `/sessions/${account.session.id}`,
      {},
      manualClock,
    );
    const saraOpened = await openAs(app, account.senior2.email, `/handoffs/${handoff.id}`, {}, manualClock);
    const [erin, sara] = [erinOpened.page, saraOpened.page];
    const requests: string[] = [];
    for (const page of [erin, sara]) {
      await page.locator('[data-testid="connection-pill"][data-status="live"]').waitFor();
    }
    await erin.getByTestId("open-handoff").waitFor();
    await erin.waitForTimeout(1_000); // the reload as each stream started has settled
    for (const page of [erin, sara]) page.on("request", (request) => requests.push(request.url()));
    // 6 s pass on both pages, longer than the old 5 s poll: any timer due by then fires, and
    // nothing may be fetched (a moment of real time for a request it started to show up).
    await Promise.all([erinOpened, saraOpened].map(({ context }) => context.clock.fastForward(6_000)));
    await erin.waitForTimeout(1_000);
    expect(requests).toEqual([]);

    const sid = await apiAs(app, account.senior.email);
    await sid.handoff.claim({ handoffId: handoff.id });
    await erin
      .getByTestId("claimed-by")
      .getByText(`Claimed by ${account.senior.name}`)
      .waitFor({ timeout: 15_000 });
    await sara.getByText(`${account.senior.name} claimed this`).waitFor({ timeout: 15_000 });

    await sid.handoff.release({ handoffId: handoff.id });
    await erin.getByTestId("open-handoff").waitFor({ timeout: 15_000 });
    expect(await erin.getByTestId("claimed-by").count()).toBe(0);
    await sara.getByRole("button", { name: "Claim & continue" }).waitFor({ timeout: 15_000 });
  });
});

describe("presence", () => {
  it("shows two seniors on one handoff each other within 2 s, on the queue card too, and its end within 10 s of one closing the page", async () => {
    const account = await createAccount(app);
    const engineer = await apiAs(app, account.engineer.email);
    const handoff = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
    const { page: queue } = await openQueue(app, account.owner.email);
    const { page: sid } = await openAs(app, account.senior.email, `/handoffs/${handoff.id}`);
    const { page: sara } = await openAs(app, account.senior2.email, `/handoffs/${handoff.id}`);

    await sid
      .getByTestId("presence")
      .getByText(`${account.senior2.name} is viewing`)
      .waitFor({ timeout: 10_000 });
    await sara
      .getByTestId("presence")
      .getByText(`${account.senior.name} is viewing`)
      .waitFor({ timeout: 10_000 });
    const card = queueCards(queue, account.session.problemSummary);
    await card
      .getByTestId("presence")
      .getByText(/are viewing/)
      .waitFor({ timeout: 10_000 });

    const closedAt = Date.now();
    await sara.close();
    await sid.getByTestId("presence").waitFor({ state: "detached", timeout: 10_000 });
    await card
      .getByTestId("presence")
      .getByText(`${account.senior.name} is viewing`)
      .waitFor({ timeout: 10_000 });
    expect(Date.now() - closedAt).toBeLessThan(10_000);
  });
});

describe("the park/escalate dialog", () => {
  it("keeps the draft when closed by Escape or a click outside, and drops it only on Discard or submit", async () => {
    const account = await createAccount(app);
    const { page } = await openAs(app, account.engineer.email, `/sessions/${account.session.id}`);
    const notes = () => page.getByRole("dialog").getByLabel("Notes for whoever picks this up");

    await page.getByRole("button", { name: "Escalate" }).click();
    await notes().fill("Tried re-adding automapping; user on a deadline.");
    await page.getByRole("dialog").getByText("Urgent", { exact: true }).click();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });

    await page.getByRole("button", { name: "Escalate" }).click();
    expect(await notes().inputValue()).toBe("Tried re-adding automapping; user on a deadline.");
    expect(
      await page
        .getByRole("dialog")
        .getByRole("radio", { name: /Urgent/ })
        .isChecked(),
    ).toBe(true);
    await page.getByTestId("draft-restored").waitFor();
    await page.mouse.click(5, 5); // the backdrop
    await page.getByRole("dialog").waitFor({ state: "detached" });

    await page.reload();
    await page.getByRole("button", { name: "Park" }).click();
    expect(await notes().inputValue()).toBe("Tried re-adding automapping; user on a deadline.");
    await page.getByRole("dialog").getByRole("button", { name: "Discard" }).click();
    await page.getByRole("button", { name: "Escalate" }).click();
    expect(await notes().inputValue()).toBe("");

    await notes().fill("Sent for real.");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Escalate" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Escalate" }).click();
    await page.getByTestId("open-handoff").waitFor();
    const stored = await page.evaluate(() =>
      Object.keys(localStorage).filter((key) => key.startsWith("handoff.draft:")),
    );
    expect(stored).toEqual([]);
  });
});

describe("sessions list", () => {
  it("starts a new session with a suggested domain, a team and a PSA ticket", async () => {
    const account = await createAccount(app);
    const { page } = await openAs(app, account.engineer.email, "/sessions");
    await page.getByRole("button", { name: "New session" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Start session" }).click();
    await dialog.getByText("Describe the problem in a few words").waitFor();

    await dialog.getByLabel("Problem").fill("Printer on floor 2 prints blank pages");
    expect(
      await dialog
        .locator("#known-domains option")
        .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value)),
    ).toEqual(["Microsoft 365"]);
    await dialog.getByLabel("Domain").fill("Printing");
    await dialog.getByLabel("PSA ticket").fill("48213");
    expect(await dialog.getByLabel("Team").inputValue()).toBe(account.team.id);
    await dialog.getByText("Medium", { exact: true }).click();
    await dialog.getByRole("button", { name: "Start session" }).click();

    await page.getByRole("heading", { name: "Printer on floor 2 prints blank pages" }).waitFor();
    const created = await app.server.deps.prisma.session.findFirstOrThrow({
      where: { accountId: account.account.id, problemSummary: "Printer on floor 2 prints blank pages" },
    });
    expect(created).toMatchObject({
      problemDomain: "Printing",
      psaTicketId: "48213",
      teamId: account.team.id,
      confidenceTier: "MEDIUM",
      ownerId: account.engineer.id,
    });
  });

  it("is a list of cards at 390 px, nothing cut off, and so is a queue card, whose priority rail runs its whole height; no keyboard hints on a touch screen", async () => {
    const account = await createAccount(app);
    const engineer = await apiAs(app, account.engineer.email);
    await engineer.session.create({
      problemSummary: "Conditional Access blocks the whole finance team from signing in on new laptops",
      problemDomain: "Entra ID",
      psaTicketId: "CW-1029384",
    });
    const phone = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };
    const { page } = await openAs(app, account.engineer.email, "/sessions", phone);
    const rows = page.getByTestId("session-row");
    await expect.poll(() => rows.count()).toBe(2);

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    for (const row of await rows.all()) {
      const box = await row.boundingBox();
      expect(box?.width).toBeLessThanOrEqual(390);
      // Every cell is inside its card, none clipped or pushed past the right edge.
      const overflowing = await row.evaluate(
        (element) =>
          [...element.querySelectorAll("td")].filter(
            (cell) => cell.getBoundingClientRect().right > element.getBoundingClientRect().right + 0.5,
          ).length,
      );
      expect(overflowing).toBe(0);
    }
    const header = await page.getByTestId("sessions-table").locator("thead").boundingBox();
    expect(header?.height ?? 0).toBeLessThanOrEqual(1);

    await engineer.handoff.escalate({
      sessionId: account.session.id,
      priority: "urgent",
      notes: "Tried the usual; the card wraps at this width, its actions below its text.",
    });
    await page.goto("/escalations");
    await page.locator('[data-testid="connection-pill"][data-status="live"]').waitFor();
    expect(await page.locator(".keyboard-hint").isVisible()).toBe(false);
    // The priority rail runs the card's whole height, beside the actions under the text too.
    const card = page.getByTestId("queue-card");
    await card.waitFor();
    const cardBox = await card.boundingBox();
    const railBox = await card.locator(".queue-card__rail").boundingBox();
    const bottomOf = (box: { y: number; height: number } | null) => (box ? box.y + box.height : 0);
    expect(bottomOf(cardBox) - bottomOf(railBox)).toBeLessThanOrEqual(1.5);
    // Its text keeps a margin from the card's right edge.
    const textRight = await card
      .locator(".queue-card__body")
      .evaluate((body) =>
        Math.max(...[...body.children].map((child) => child.getBoundingClientRect().right)),
      );
    expect((cardBox?.x ?? 0) + (cardBox?.width ?? 0) - textRight).toBeGreaterThanOrEqual(12);
  });
});
