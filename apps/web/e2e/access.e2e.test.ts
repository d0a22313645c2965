// Who may use the live queue, and what happens to its stream: a VIEWER gets no claim controls
// and the server refuses them the queue and its cards; an ended login sends the user to sign in;
// leaving the page frees the server-side subscription.
import { accountSubscriptions } from "@handoff/server/testing";
import { describe, expect, it } from "vitest";
import { apiAs, createAccount, openAs, openQueue, useApp } from "./harness.ts";

// Live streams re-check their login often here, so an ended login shows within the test.
const app = useApp({ authRecheckMs: 300 });

describe("access to the live queue", () => {
  it("gives a VIEWER no claim controls, refuses them the queue, and streams them no queue cards", async () => {
    const account = await createAccount(app);
    const engineer = await apiAs(app, account.engineer.email);
    const handoff = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });

    const { page } = await openAs(app, account.viewer.email, "/sessions");
    const topbar = page.getByTestId("current-user");
    await topbar.getByText(account.viewer.name).waitFor();
    expect(await topbar.textContent()).toContain("Viewer");
    expect(await page.getByRole("link", { name: "Escalation queue" }).count()).toBe(0);

    // The queue loads its snapshot before it opens the stream; the server refuses the snapshot.
    const refusals: number[] = [];
    page.on("response", (response) => {
      if (response.url().includes("handoff.queue")) refusals.push(response.status());
    });
    await page.goto("/escalations");
    await page.getByTestId("queue-refused").waitFor();
    expect(await page.getByTestId("queue-refused").textContent()).toContain("read-only");
    expect(refusals).toEqual([403]);
    expect(await page.getByTestId("claim-button").count()).toBe(0);
    expect(await page.getByTestId("queue-card").count()).toBe(0);

    await page.goto(`/handoffs/${handoff.id}`);
    await page.getByTestId("claim-panel").waitFor();
    expect(await page.getByRole("button", { name: "Claim & continue" }).count()).toBe(0);
    expect(await page.getByTestId("claim-panel").textContent()).toContain("read-only");

    // The stream itself, asked for directly over the page's own WebSocket (with its cookie), is
    // open to a VIEWER for the pages they read, but it carries no queue cards: a senior's claim
    // reaches them only as the session's update.
    const senior = await apiAs(app, account.senior.email);
    await page.exposeFunction("claimAsSenior", async () => {
      await senior.handoff.claim({ handoffId: handoff.id });
    });
    const eventTypes = await page.evaluate(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const socket = new WebSocket(`${location.origin.replace(/^http/, "ws")}/trpc`);
          const subscribe = { path: "escalation.onEvent", input: { json: {} } };
          const types: string[] = [];
          socket.onopen = () =>
            socket.send(JSON.stringify({ id: 1, method: "subscription", params: subscribe }));
          socket.onmessage = (message) => {
            const answer = JSON.parse(message.data);
            if (answer.id !== 1) return;
            if (answer.error) return reject(new Error(JSON.stringify(answer.error)));
            if (answer.result.type === "started") {
              (window as unknown as { claimAsSenior: () => Promise<void> }).claimAsSenior();
              return;
            }
            types.push(answer.result.data.json.data.type);
            if (types.includes("session.updated")) {
              // The claim's other events share its transaction: they come before its session's update.
              setTimeout(() => {
                socket.close();
                resolve(types);
              }, 500);
            }
          };
          socket.onerror = () => reject(new Error("the WebSocket failed"));
          setTimeout(() => reject(new Error("no session update on the stream")), 10_000);
        }),
    );
    expect(eventTypes).toEqual(["session.updated"]);
  });

  it("sends a senior whose login ended to sign in, and back to the queue afterwards", async () => {
    const account = await createAccount(app);
    const { page } = await openQueue(app, account.senior.email);

    await app.server.deps.prisma.authSession.deleteMany({ where: { userId: account.senior.id } });
    await page.waitForURL((url) => url.pathname === "/login", { timeout: 10_000 });
    expect(new URL(page.url()).searchParams.get("next")).toBe("/escalations");

    await page.getByLabel("Email").fill(account.senior.email);
    await page.getByLabel("Password").fill("demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/escalations");
    await page.locator('[data-testid="connection-pill"][data-status="live"]').waitFor();
  });

  it("frees the server-side subscription of every page the senior leaves", async () => {
    const account = await createAccount(app);
    const readers = () => app.server.deps.live.streams.stats().readers;
    // Earlier tests' pages are closed: their subscriptions must be gone too.
    await expect.poll(readers, { timeout: 15_000 }).toBe(0);
    const { page } = await openQueue(app, account.senior.email);
    await expect.poll(readers).toBe(1);

    // Every page follows the stream; each one left must give its subscription back, or they pile up.
    for (let round = 0; round < 3; round += 1) {
      await page.getByRole("link", { name: "My sessions" }).click();
      await page.getByRole("heading", { name: "My sessions" }).waitFor();
      await page.locator('[data-testid="connection-pill"][data-status="live"]').waitFor();
      await page.getByRole("link", { name: "Escalation queue" }).click();
      await page.locator('[data-testid="connection-pill"][data-status="live"]').waitFor();
    }
    await expect.poll(readers, { timeout: 15_000 }).toBe(1);
    await page.waitForTimeout(500);
    expect(readers()).toBe(1);

    // Out of the app: its own sign-in page would send a senior who is still signed in back to the queue.
    await page.goto("about:blank");
    await expect.poll(readers, { timeout: 15_000 }).toBe(0);
    await expect.poll(() => accountSubscriptions(app.server.bus), { timeout: 15_000 }).toBe(0);
  });
});

describe("engineer views", () => {
  it("lists my sessions and cannot create two handoffs from a double-click", async () => {
    const account = await createAccount(app);
    const { page } = await openAs(app, account.engineer.email, "/sessions");
    const row = page.getByRole("row").filter({ hasText: account.session.problemSummary });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Active.*3.*medium confidence/);

    await row.getByRole("link").click();
    const parkRequests: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("handoff.park")) parkRequests.push(request.postData() ?? "");
    });
    await page.getByRole("button", { name: "Park" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Notes for whoever picks this up").fill("Waiting on the user to reboot.");
    const submit = dialog.getByRole("button", { name: "Park session" });
    await submit.dblclick();
    await page.getByText("Parked. Any teammate can pick it up").waitFor();

    const senior = await apiAs(app, account.senior.email);
    const parked = (await senior.handoff.queue({ intent: "park" })).handoffs.filter(
      (card) => card.sessionId === account.session.id,
    );
    expect(parked).toHaveLength(1);
    // Whatever reached the network carried one idempotency key, so the server saw one intent.
    const keys = new Set(parkRequests.map((body) => /"idempotencyKey":"([^"]+)"/.exec(body)?.[1]));
    expect(parkRequests.length).toBeGreaterThan(0);
    expect([...keys]).toHaveLength(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{32,36}$/);
    await page.getByTestId("open-handoff").waitFor();
  });
});
