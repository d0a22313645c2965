// The production build under its own security headers, in Chromium: every page works with the
// Content Security Policy in force (no violation reported), and a page on another origin cannot
// frame the app.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs, createAccount, openQueue, useApp } from "./harness.ts";

const app = useApp();

describe("security headers in the browser", () => {
  it("the app runs under its Content Security Policy: sign-in, the live queue, sessions, a handoff and admin report no violation", async () => {
    const account = await createAccount(app);
    const engineer = await apiAs(app, account.engineer.email);
    const handoff = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });

    const violations: string[] = [];
    const { context, page } = await openQueue(app, account.admin.email);
    const watch = (target: typeof page) =>
      target.on("console", (message) => {
        if (message.text().includes("Content Security Policy")) violations.push(message.text());
      });
    watch(page);
    context.on("page", watch);
    await page.getByTestId("queue-card").first().waitFor();
    for (const path of [`/sessions/${account.session.id}`, `/handoffs/${handoff.id}`, "/sessions"]) {
      await page.goto(path);
      await page.waitForLoadState("networkidle");
    }
    await page.getByRole("link", { name: "Admin", exact: true }).click();
    for (const tab of [
      "Users",
      "Teams",
      "Notifications",
      "PSA",
      "Escalation policy",
      "Sign-in security",
      "Audit log",
    ]) {
      await page.getByRole("link", { name: tab, exact: true }).click();
      await page.waitForURL((url) => url.pathname.startsWith("/admin/"));
      await page.waitForLoadState("networkidle");
    }
    // And a fresh sign-in page, watched from its very first script.
    const fresh = await app.browser.newContext({ baseURL: app.origin });
    const login = await fresh.newPage();
    watch(login);
    await login.goto("/login");
    await login.getByRole("button", { name: "Sign in" }).waitFor();
    expect(violations).toEqual([]);
  });

  describe("framing", () => {
    let other: Server;
    let otherOrigin = "";
    beforeAll(async () => {
      // A page on another loopback port framing the app, and a page of its own as the control.
      other = createServer((req, res) => {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        if (req.url === "/own") return res.end("<!doctype html><p id=own>Framed fine</p>");
        res.end(
          `<!doctype html><iframe name="app" src="${app.origin}/login"></iframe><iframe name="own" src="/own"></iframe>`,
        );
      });
      other.listen(0, "127.0.0.1");
      await once(other, "listening");
      otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    });
    afterAll(() => other?.close());

    it("Chromium refuses to show the app inside another origin's page", async () => {
      const context = await app.browser.newContext();
      const page = await context.newPage();
      const refusals: string[] = [];
      page.on("console", (message) => {
        if (message.text().includes("frame-ancestors")) refusals.push(message.text());
      });
      await page.goto(otherOrigin, { waitUntil: "load" });

      const own = page.frame({ name: "own" });
      expect(await own?.locator("#own").textContent()).toBe("Framed fine");
      const framed = page.frame({ name: "app" });
      expect(framed).not.toBeNull();
      expect(framed?.url()).not.toContain(app.origin);
      expect(await framed?.locator("#root").count()).toBe(0);
      expect(refusals.join("\n")).toContain("frame-ancestors 'none'");
    });
  });
});
