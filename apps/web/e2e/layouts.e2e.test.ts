// The main screens at a desktop (1440 px) and a phone (390 px) width: nothing runs off the side of
// the page, the queue's toolbar keeps its toggles on one row at desktop width, and each is
// photographed (docs/screenshots with `pnpm screenshots`).
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { animationsSettled, apiAs, createAccount, openAs, readmeScreenshot, useApp } from "./harness.ts";

const app = useApp();

const WIDTHS = {
  desktop: { viewport: { width: 1440, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true },
} as const;

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe.each(Object.entries(WIDTHS))("the main screens at %s width", (width, contextOptions) => {
  it("fit the width, and are photographed", async () => {
    const account = await createAccount(app, { name: "Acme IT" });
    const engineer = await apiAs(app, account.engineer.email);
    await engineer.handoff.escalate({
      sessionId: account.session.id,
      priority: "high",
      notes:
        "Re-granted Full Access and restarted Outlook; the mailbox is still missing from the folder pane.",
    });
    const screens = [
      {
        email: account.senior.email,
        path: "/escalations",
        ready: '[data-testid="queue-card"]',
        name: "queue",
      },
      {
        email: account.engineer.email,
        path: `/sessions/${account.session.id}`,
        ready: "h1",
        name: "session",
      },
      {
        email: account.admin.email,
        path: "/admin/policy",
        ready: '[data-testid="policy-form"]',
        name: "policy",
      },
      {
        email: account.admin.email,
        path: "/admin/users",
        ready: '[data-testid="users-table"]',
        name: "users",
      },
      {
        email: account.admin.email,
        path: "/admin/psa",
        ready: '[data-testid="psa-settings"]',
        name: "psa",
      },
      {
        email: account.engineer.email,
        path: "/account",
        ready: "main h1, main h2",
        name: "account",
      },
      {
        email: account.engineer.email,
        path: "/settings/security",
        ready: "main h1, main h2",
        name: "security",
      },
      {
        email: account.admin.email,
        path: "/admin/audit",
        ready: "main h1, main h2",
        name: "audit",
      },
      {
        email: account.admin.email,
        path: "/admin/webhooks",
        ready: "main h1, main h2",
        name: "webhooks",
      },
      {
        email: account.admin.email,
        path: "/admin/sso",
        ready: "main h1, main h2",
        name: "sso",
      },
    ];
    // One signed-in page per person, which loads each of their screens in turn.
    const pages = new Map<string, Page>();
    for (const screen of screens) {
      const page =
        pages.get(screen.email) ?? (await openAs(app, screen.email, "/account", contextOptions)).page;
      pages.set(screen.email, page);
      await page.goto(screen.path);
      await page.locator(screen.ready).first().waitFor();
      await animationsSettled(page);
      await readmeScreenshot(page, `${screen.name}-${width}.png`);
      expect({ screen: screen.name, overflow: await horizontalOverflow(page) }).toEqual({
        screen: screen.name,
        overflow: 0,
      });
      if (screen.name === "queue" && width === "desktop") {
        const toolbar = page.getByRole("toolbar", { name: "Queue filters" });
        // One row: every control's vertical band overlaps every other's.
        const isOneRow = await toolbar.evaluate((element) => {
          const boxes = [...element.children]
            .map((child) => child.getBoundingClientRect())
            .filter((box) => box.height > 0);
          return Math.max(...boxes.map((box) => box.top)) < Math.min(...boxes.map((box) => box.bottom));
        });
        expect(isOneRow).toBe(true);
      }
    }
  });
});
