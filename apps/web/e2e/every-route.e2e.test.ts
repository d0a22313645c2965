// Every page of the web app loads the way an email link or a reload loads it: a hard load of its
// address from the production build served by the real server. The pages are read from the app's
// own page tables (PUBLIC_PAGES, SIGNED_IN_PAGES), so a new route is loaded here without touching
// this file; a route with a parameter needs a sample below, and the test says so. Unknown paths
// show the app's 404 page.
import type { BrowserContextOptions } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_PAGES, SIGNED_IN_PAGES } from "../src/app.tsx";
import { apiAs, createAccount, openAs, useApp } from "./harness.ts";

type TPage = { pattern: string; isSignedIn: boolean };

/** Every page's path pattern, and whether it needs a login. */
const PAGES: TPage[] = [
  ...PUBLIC_PAGES.map((page) => ({ pattern: page.path, isSignedIn: false })),
  ...SIGNED_IN_PAGES.map((page) => ({ pattern: page.path, isSignedIn: true })),
];

/** Where a page sends a hard load on purpose (an index that redirects, a page gone once set up). */
const REDIRECTS: Record<string, string> = {
  "/": "/escalations",
  "/admin": "/admin/users",
  "/setup": "/login",
};

const app = useApp();
/** The address to load for each pattern: its parameters filled with real rows. */
let samples: Record<string, string>;
/** The owner's cookies, from one sign-in through the form: each signed-in load starts with them. */
let ownerState: BrowserContextOptions["storageState"];

beforeAll(async () => {
  const account = await createAccount(app);
  const { context } = await openAs(app, account.owner.email, "/sessions");
  ownerState = await context.storageState();
  await context.close();
  const engineer = await apiAs(app, account.engineer.email);
  const handoff = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
  const owner = await apiAs(app, account.owner.email);
  const { inviteUrl } = await owner.user.invite({
    email: `invitee.${account.account.id}@test.example`,
    name: "Ivy Invitee",
    role: "engineer",
    isSeniorTech: false,
  });
  samples = {
    "/sessions/:id": `/sessions/${account.session.id}`,
    "/handoffs/:id": `/handoffs/${handoff.id}`,
    "/invite": new URL(inviteUrl).pathname + new URL(inviteUrl).hash,
    "/*": "/no/such/page",
  };
});

function addressOf(pattern: string): string {
  const sample = samples[pattern];
  if (sample) return sample;
  if (pattern.includes(":") || pattern.includes("*")) {
    throw new Error(`${pattern} has a parameter: add a sample address for it to this test`);
  }
  return pattern;
}

describe("a hard load of every route", () => {
  it("finds the router's pages, the admin tabs among them", () => {
    const patterns = PAGES.map((page) => page.pattern);
    expect(patterns).toEqual(
      expect.arrayContaining([
        "/login",
        "/invite",
        "/setup",
        "/sessions/:id",
        "/admin/users",
        "/admin/psa",
        "/*",
      ]),
    );
  });

  it.each(PAGES)("loads $pattern", async ({ pattern, isSignedIn }) => {
    const address = addressOf(pattern);
    const context = await app.browser.newContext({
      baseURL: app.origin,
      ...(isSignedIn && { storageState: ownerState }),
    });
    const page = await context.newPage();
    const failedFiles: string[] = [];
    page.on("response", (response) => {
      if (response.status() >= 400 && !response.url().includes("/trpc")) failedFiles.push(response.url());
    });

    const response = await page.goto(address);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-type"]).toBe("text/html; charset=utf-8");
    const expectedPath = REDIRECTS[pattern] ?? new URL(address, app.origin).pathname;
    await page.waitForURL((url) => url.pathname === expectedPath);
    const heading = page.getByRole("heading", { level: 1 }).first();
    await heading.waitFor();
    const title = await heading.textContent();
    if (pattern === "/*") {
      expect(title).toBe("Page not found");
      await page.getByRole("link", { name: "Go to Handoff" }).click();
      await page.waitForURL((url) => url.pathname === "/login");
    } else {
      expect(["Page not found", "Not found", "Not available to you", "Can't reach Handoff"]).not.toContain(
        title,
      );
    }
    if (pattern === "/invite") expect(await page.getByText("Ivy Invitee, choose a password").count()).toBe(1);
    expect(failedFiles).toEqual([]);
  });
});
