// What every browser test needs: the real server (PGlite test database, production web build,
// same-origin port) and headless Chromium, plus helpers to sign in and make data.
import { randomBytes } from "node:crypto";
import { copyFile, mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { appRouter, createCallerFactory, createContext, seedDemoHandoffs } from "@handoff/api";
import { seedDemo } from "@handoff/db";
import {
  type CreateTestAccountOverrides,
  createTestAccount,
  createTestDatabase,
  type TestAccount,
} from "@handoff/db/testing";
import {
  createTestClient,
  login,
  type StartTestServerOptions,
  startTestServer,
  type TestClient,
  type TestServer,
} from "@handoff/server/testing";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";

const WEB_DIR = fileURLToPath(new URL("..", import.meta.url));
export const TEST_OUTPUT_DIR = path.join(WEB_DIR, "test-output");
const README_SCREENSHOTS_DIR = path.join(WEB_DIR, "..", "..", "docs", "screenshots");

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export type App = {
  server: TestServer;
  origin: string;
  browser: Browser;
  /** Closes the browser contexts tests opened (call after each test: idle pages still tick). */
  closeContexts(): Promise<void>;
  close(): Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Headless Debian Chromium (or CHROMIUM_PATH). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

type TStartAppOptions = {
  authRecheckMs?: number;
  isDemoSeeded?: boolean;
  /** Sends email through the real Resend SDK to a stand-in the test runs (startResendStandIn). */
  resend?: { baseUrl: string };
  /** Webhooks may be saved (a SECRETS_KEY) and sent to a receiver on this machine. */
  isWebhookReceiverLocal?: boolean;
  /** Secrets and single sign-on settings (a local OpenID provider needs `sso.allowLocalIssuers`). */
  serverOptions?: Pick<StartTestServerOptions, "psa" | "sso">;
  /** Two-factor secrets (and PSA credentials) are sealed under SECRETS_KEY. */
  hasSecretsKey?: boolean;
};

/**
 * One server + one browser per test file; each test makes its own account. `isDemoSeeded`: the
 * demo data and its handoffs, as a first `pnpm start` has them (for tests of the demo itself).
 */
export async function startApp(options: TStartAppOptions = {}): Promise<App> {
  const database = await createTestDatabase("pglite");
  if (options.isDemoSeeded) await seedDemo(database.prisma);
  // The browser's origin must be an allowed one, so the port is chosen before the server starts.
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const server = await startTestServer({
    database,
    port,
    appOrigins: [origin],
    appOrigin: origin,
    webDistDir: path.join(WEB_DIR, "dist"),
    ...(options.authRecheckMs ? { authRecheckMs: options.authRecheckMs } : {}),
    ...(options.resend ? { resend: options.resend } : {}),
    ...options.serverOptions,
    ...((options.hasSecretsKey || options.isWebhookReceiverLocal) && {
      psa: { secretsKey: randomBytes(32), timeoutMs: 3_000, allowPrivateHosts: false },
    }),
    ...(options.isWebhookReceiverLocal && { webhooks: { timeoutMs: 3_000, allowPrivateHosts: true } }),
  });
  if (options.isDemoSeeded) await seedDemoHandoffs(server.deps);
  const browser = await launchChromium();
  return {
    server,
    origin,
    browser,
    async closeContexts() {
      await Promise.all(browser.contexts().map((context) => context.close()));
    },
    async close() {
      await browser.close();
      await server.close();
      await database.close();
    },
  };
}

/**
 * The browser test file's preamble: the app started in beforeAll (with `options`, or what the
 * function returns then, after earlier hooks have run), the contexts tests opened closed after each
 * test, and the app closed in afterAll. Read it inside hooks and tests.
 */
export function useApp(options?: TStartAppOptions | (() => TStartAppOptions)): App {
  let started: App | undefined;
  const app = (): App => {
    if (!started) throw new Error("useApp: the app exists only once beforeAll has run");
    return started;
  };
  beforeAll(async () => {
    started = await startApp(typeof options === "function" ? options() : options);
  });
  afterEach(() => started?.closeContexts());
  afterAll(() => started?.close());
  return {
    get server() {
      return app().server;
    },
    get origin() {
      return app().origin;
    },
    get browser() {
      return app().browser;
    },
    closeContexts: () => app().closeContexts(),
    close: () => app().close(),
  };
}

export type Person = { email: string; name: string; id: string };

/** Someone more in an account (password "demo", on its team when an engineer). */
export async function addPerson(
  app: App,
  account: TestAccount,
  person: { name: string; role?: "ENGINEER" | "VIEWER" | "ADMIN"; isSeniorTech?: boolean },
): Promise<Person> {
  const tag = randomBytes(4).toString("hex");
  const role = person.role ?? "ENGINEER";
  const key = person.name.split(" ")[0]?.toLowerCase() ?? "person";
  return app.server.deps.prisma.user.create({
    data: {
      accountId: account.account.id,
      teamId: role === "ENGINEER" ? account.team.id : null,
      email: `${key}.${tag}@test-${tag}.test`,
      name: person.name,
      role,
      isSeniorTech: person.isSeniorTech ?? false,
      passwordHash: account.senior.passwordHash,
    },
  });
}

/** A fresh account (engineer, senior, viewer, a session with a branch tree) plus a second senior. */
export async function createAccount(
  app: App,
  overrides: CreateTestAccountOverrides = {},
): Promise<TestAccount & { senior2: Person }> {
  const account = await createTestAccount(app.server.deps.prisma, overrides);
  const senior2 = await addPerson(app, account, { name: "Sara Second", isSeniorTech: true });
  return { ...account, senior2 };
}

/**
 * A signed-in browser context (its own cookies), already on `path`. With `hasManualClock` the
 * page's timers run on Playwright's clock from the first script on: time still flows, and
 * `context.clock.fastForward(ms)` jumps it ahead, firing whatever came due, without waiting.
 */
export async function openAs(
  app: App,
  email: string,
  path: string,
  contextOptions: Parameters<Browser["newContext"]>[0] = {},
  options: { hasManualClock?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await app.browser.newContext({
    baseURL: app.origin,
    viewport: { width: 1280, height: 860 },
    ...contextOptions,
  });
  if (options.hasManualClock) await context.clock.install();
  const page = await context.newPage();
  await page.goto(`/login?next=${encodeURIComponent(path)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === path);
  return { context, page };
}

/** Opens the queue and waits until its live stream is up. */
export async function openQueue(
  app: App,
  email: string,
  contextOptions: Parameters<Browser["newContext"]>[0] = {},
) {
  const opened = await openAs(app, email, "/escalations", contextOptions);
  await opened.page.locator('[data-testid="connection-pill"][data-status="live"]').waitFor();
  return opened;
}

/** A typed API client signed in as `email`, for making data around the browser. */
export async function apiAs(app: App, email: string): Promise<TestClient> {
  return createTestClient(app.server, { token: await login(app.server, email) });
}

/** Calls the API in-process (no HTTP), so it keeps working while the server is stopped. */
export async function inProcessCallerAs(app: App, email: string) {
  const token = await login(app.server, email);
  return createCallerFactory(appRouter)(
    createContext(app.server.deps, { authToken: token, clientIp: "127.0.0.1", deviceToken: null }),
  );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(TEST_OUTPUT_DIR, { recursive: true });
  const file = path.join(TEST_OUTPUT_DIR, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Resolves once every finite CSS animation and transition on the page has run (a card's slide-in). */
export async function animationsSettled(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every(
        (animation) =>
          animation.playState !== "running" ||
          animation.effect?.getTiming().iterations === Number.POSITIVE_INFINITY,
      ),
  );
}

/**
 * A screenshot the README shows: written to test-output like any other, and into docs/screenshots
 * only by `pnpm screenshots` (UPDATE_SCREENSHOTS=1), so a test run leaves the tracked tree alone.
 */
export async function readmeScreenshot(page: Page, name: string): Promise<string> {
  const file = await screenshot(page, name);
  if (process.env.UPDATE_SCREENSHOTS !== "1") return file;
  await mkdir(README_SCREENSHOTS_DIR, { recursive: true });
  await copyFile(file, path.join(README_SCREENSHOTS_DIR, name));
  return file;
}

/** What holds focus: a queue card by its handoff id, anything else by tag, test id and text (for the failure message). */
export function focusedElement(page: Page): Promise<string> {
  return page.evaluate(() => {
    const focused = document.activeElement;
    if (!focused) return "nothing";
    const handoffId = focused.getAttribute("data-handoff-id");
    if (handoffId) return `card ${handoffId}`;
    const testId = focused.getAttribute("data-testid");
    return `${focused.tagName.toLowerCase()}${testId ? `[${testId}]` : ""}: ${focused.textContent?.trim().slice(0, 60)}`;
  });
}

export function queueCards(page: Page, summary?: string) {
  const cards = page.locator('[data-testid="queue-card"]');
  return summary ? cards.filter({ hasText: summary }) : cards;
}
