// The first load of the login page and of the queue fetches only the JavaScript they need: the
// other screens (admin and its tabs, sessions, a handoff, account, setup, password pages, the 404
// page, and for the queue the login page) are in
// chunks of their own, fetched when one of them is opened. Through the production build and a real
// browser, by the script files it requests.
import type { Page, Response } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { createAccount, openAs, useApp } from "./harness.ts";

/** The chunks of the screens a first load of /login or /escalations must not fetch. */
const LAZY_SCREENS =
  /\/(admin-page|users-tab|teams-tab|notifications-tab|psa-tab|policy-page|sessions-page|session-page|handoff-page|account-page|setup-page|invite-page|forgot-password-page|reset-password-page|not-found-page)-[\w-]+\.js$/;

/** The login page's chunk: a signed-in first load of the queue does not need it. */
const LOGIN_SCREEN = /\/login-page-[\w-]+\.js$/;

const app = useApp();
let seniorEmail: string;
let ownerEmail: string;

beforeAll(async () => {
  const account = await createAccount(app);
  seniorEmail = account.senior.email;
  ownerEmail = account.owner.email;
});

type TScriptFetched = { path: string; encoding: string };

/** Hard-loads `path` and resolves with the script files the page fetched until `ready` shows. */
async function fetchedOnHardLoad(page: Page, path: string, ready: string): Promise<TScriptFetched[]> {
  const scripts: TScriptFetched[] = [];
  const onResponse = (response: Response) => {
    if (response.request().resourceType() !== "script") return;
    const encoding = response.headers()["content-encoding"] ?? "identity";
    scripts.push({ path: new URL(response.url()).pathname, encoding });
  };
  page.on("response", onResponse);
  await page.goto(path);
  await page.getByRole("heading", { level: 1, name: ready }).waitFor();
  page.off("response", onResponse);
  return scripts;
}

async function scriptsOfHardLoad(page: Page, path: string, ready: string): Promise<string[]> {
  return (await fetchedOnHardLoad(page, path, ready)).map((script) => script.path);
}

describe("the first load", () => {
  it("of /login fetches no other screen's JavaScript", async () => {
    const page = await (await app.browser.newContext({ baseURL: app.origin })).newPage();
    const scripts = await scriptsOfHardLoad(page, "/login", "Sign in");
    expect(scripts.filter((script) => LOGIN_SCREEN.test(script))).toHaveLength(1);
    expect(scripts.filter((script) => LAZY_SCREENS.test(script))).toEqual([]);
  });

  it("of /escalations fetches no other screen's JavaScript, and gets it compressed", async () => {
    const { page } = await openAs(app, seniorEmail, "/escalations");
    const fetched = await fetchedOnHardLoad(page, "/escalations", "Escalation queue");
    const scripts = fetched.map((script) => script.path);
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((script) => LAZY_SCREENS.test(script) || LOGIN_SCREEN.test(script))).toEqual([]);
    // The build's .br or .gz copy of each, whichever this browser takes over plain HTTP.
    for (const script of fetched) expect(["br", "gzip"]).toContain(script.encoding);
  });

  it("of an admin tab fetches that screen's chunks (the names above are the real ones)", async () => {
    const { page } = await openAs(app, ownerEmail, "/sessions");
    const scripts = await scriptsOfHardLoad(page, "/admin/users", "Admin");
    const lazy = scripts
      .filter((script) => LAZY_SCREENS.test(script))
      .map((script) => script.split("/").at(-1));
    expect(lazy).toEqual(
      expect.arrayContaining([expect.stringMatching(/^admin-page-/), expect.stringMatching(/^users-tab-/)]),
    );
  });
});
