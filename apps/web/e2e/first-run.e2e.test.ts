// A real MSP's first day, as `pnpm start` runs it on PostgreSQL: the production build of the server
// starts on an empty database, prints a setup code in its log, and the first visitor (sent to /setup)
// creates the account and becomes its owner with it. The owner invites an engineer; the invitation
// email goes through the real Resend SDK to a local stand-in, and its link, opened cold as from a
// mail client, lets the engineer join; they can sign in again afterwards with their password.
import { createEmptyTestDatabase, testDatabaseTargets } from "@handoff/db/testing";
import {
  ensureServerBuilt,
  type ResendStandIn,
  runMain,
  startResendStandIn,
  type TMainRun,
  waitForUrl,
} from "@handoff/server/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort, launchChromium } from "./harness.ts";

const OWNER = { email: "olivia@acme-it.example", name: "Olivia Owner", password: "owner password 1" };
const ENGINEER = { email: "erin@acme-it.example", name: "Erin Engineer", password: "engineer password 1" };

describe.runIf((await testDatabaseTargets()).includes("postgres"))("first run on PostgreSQL", () => {
  let database: Awaited<ReturnType<typeof createEmptyTestDatabase>>;
  let resend: ResendStandIn;
  let server: TMainRun;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    [database, resend, browser] = await Promise.all([
      createEmptyTestDatabase("postgres"),
      startResendStandIn(),
      launchChromium(),
      ensureServerBuilt(),
    ]);
    // The browser's origin is APP_ORIGIN, the address the invitation links point at.
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    server = runMain({
      DATABASE_URL: database.databaseUrl ?? "",
      APP_ORIGIN: origin,
      PORT: String(port),
      LOG_LEVEL: "warn",
      RESEND_API_KEY: "re_first_run",
      RESEND_BASE_URL: resend.baseUrl,
    });
    await waitForUrl(server);
  });
  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
    await browser?.close();
    await resend?.close();
    await database?.close();
  });

  it("sets up the owner with the logged code, who invites an engineer who joins from the email and later resets a forgotten password", async () => {
    const code = /Setup code: (\S+)/.exec(server.output())?.[1];
    expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);

    const ownerContext = await browser.newContext({ baseURL: origin });
    const ownerPage = await ownerContext.newPage();
    // Nobody can sign in yet: the app sends its first visitor to the setup page.
    await ownerPage.goto("/");
    await ownerPage.waitForURL((url) => url.pathname === "/setup");
    await ownerPage.getByLabel("Setup code").fill("WRONG-CODE1");
    await ownerPage.getByLabel("Company name").fill("Acme IT");
    await ownerPage.getByLabel("Your name").fill(OWNER.name);
    await ownerPage.getByLabel("Email").fill(OWNER.email);
    await ownerPage.getByLabel("Password (10 characters or more)").fill(OWNER.password);
    await ownerPage.getByRole("button", { name: "Create account and sign in" }).click();
    await ownerPage.getByText("That setup code is not right").waitFor();

    await ownerPage.getByLabel("Setup code").fill(code ?? "");
    await ownerPage.getByRole("button", { name: "Create account and sign in" }).click();
    await ownerPage.waitForURL((url) => url.pathname === "/escalations");
    await ownerPage.getByTestId("current-user").getByText(OWNER.name).waitFor();

    // The setup page is gone once there is an owner.
    await ownerPage.goto("/setup");
    await ownerPage.waitForURL((url) => url.pathname === "/escalations");

    await ownerPage.goto("/admin/users");
    const inviteForm = ownerPage.getByRole("form", { name: "Invite someone" });
    await inviteForm.getByLabel("Email").fill(ENGINEER.email);
    await inviteForm.getByLabel("Name").fill(ENGINEER.name);
    await inviteForm.getByRole("button", { name: "Send invitation" }).click();

    await vi.waitFor(() => expect(resend.delivered().map((email) => email.to)).toEqual([[ENGINEER.email]]), {
      timeout: 15_000,
    });
    const link = /(http:\/\/\S+\/invite#[\w-]+)/.exec(resend.delivered()[0]?.text ?? "")?.[1] ?? "";
    expect(link.startsWith(`${origin}/invite#`)).toBe(true);

    // The link opened cold in a new browser, as from a mail client: a hard load of /invite.
    const engineerContext = await browser.newContext({ baseURL: origin });
    const engineerPage = await engineerContext.newPage();
    const response = await engineerPage.goto(link);
    expect(response?.status()).toBe(200);
    await engineerPage.getByText(`${ENGINEER.name}, choose a password to join Acme IT`).waitFor();
    await engineerPage.getByLabel("New password (10 characters or more)").fill(ENGINEER.password);
    await engineerPage.getByRole("button", { name: "Set password and sign in" }).click();
    await engineerPage.waitForURL((url) => url.pathname === "/sessions");
    await engineerPage.getByTestId("current-user").getByText(ENGINEER.name).waitFor();

    await engineerPage.getByRole("button", { name: "Sign out" }).click();
    await engineerPage.waitForURL((url) => url.pathname === "/login");
    await engineerPage.getByLabel("Email").fill(ENGINEER.email);
    await engineerPage.getByLabel("Password").fill(ENGINEER.password);
    await engineerPage.getByRole("button", { name: "Sign in" }).click();
    await engineerPage.waitForURL((url) => url.pathname === "/sessions");
    await engineerPage.getByTestId("current-user").getByText(ENGINEER.name).waitFor();

    // Weeks later the engineer has forgotten it: a reset link by email, opened cold.
    await engineerPage.getByRole("button", { name: "Sign out" }).click();
    await engineerPage.waitForURL((url) => url.pathname === "/login");
    await engineerPage.getByLabel("Email").fill(ENGINEER.email);
    await engineerPage.getByRole("link", { name: "Forgot password?" }).click();
    await engineerPage.getByRole("button", { name: "Send me a link" }).click();
    const resetLink = await vi.waitFor(
      () => {
        const sent = resend.delivered().find((email) => email.text.includes("/reset-password#token="));
        const found = /(http:\/\/\S+\/reset-password#token=\S+)/.exec(sent?.text ?? "")?.[1];
        if (!found) throw new Error("no reset email yet");
        return found;
      },
      { timeout: 15_000 },
    );
    const resetPage = await (await browser.newContext({ baseURL: origin })).newPage();
    expect((await resetPage.goto(resetLink))?.status()).toBe(200);
    const renewed = `${ENGINEER.password}-renewed`;
    await resetPage.getByLabel("New password (10 characters or more)").fill(renewed);
    await resetPage.getByLabel("New password again").fill(renewed);
    await resetPage.getByRole("button", { name: "Set new password" }).click();
    await resetPage.getByRole("status").getByText("signed out everywhere").waitFor();
    await resetPage.getByRole("link", { name: "Sign in" }).click();
    await resetPage.getByLabel("Email").fill(ENGINEER.email);
    await resetPage.getByLabel("Password", { exact: true }).fill(renewed);
    await resetPage.getByRole("button", { name: "Sign in" }).click();
    await resetPage.waitForURL((url) => url.pathname === "/sessions");

    await resetPage.context().close();
    await ownerContext.close();
    await engineerContext.close();
  });
});
