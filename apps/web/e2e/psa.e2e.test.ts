// An ADMIN connects HaloPSA in the browser, then picks the outcome Halo gives Handoff's notes from
// the instance's own list (served by a local stand-in of Halo's documented API); the pick is saved,
// survives a reload, and goes back to Halo's default when unset.
import { randomBytes } from "node:crypto";
import { HALO, type PsaStandIn, startPsaStandIn } from "@handoff/server/testing/psa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs, createAccount, openAs, useApp } from "./harness.ts";

let halo: PsaStandIn;

beforeAll(async () => {
  halo = await startPsaStandIn();
});
afterAll(async () => {
  await halo?.close();
});
const app = useApp({
  // The stand-in runs on this machine: allowed here only.
  serverOptions: { psa: { secretsKey: randomBytes(32), timeoutMs: 5_000, allowPrivateHosts: true } },
});

describe("the PSA tab with HaloPSA", () => {
  it("lets an admin pick the note outcome from the Halo instance's list", async () => {
    const account = await createAccount(app);
    const { page } = await openAs(app, account.admin.email, "/admin/psa");
    const form = page.getByRole("form", { name: "Connect a PSA" });
    await form.getByLabel("PSA").selectOption("halopsa");
    expect(await form.getByLabel("Note outcome").count()).toBe(0);
    await form.getByLabel("Halo address").fill(halo.baseUrl);
    await form.getByLabel("Tenant").fill(HALO.tenant);
    await form.getByLabel("Client id").fill(HALO.clientId);
    await form.getByLabel("Client secret").fill(HALO.clientSecret);
    await form.getByRole("button", { name: "Save" }).click();

    const saved = page.getByRole("form", { name: "Change the connection" });
    const outcome = saved.getByLabel("Note outcome");
    await saved.getByRole("option", { name: "Escalation note" }).waitFor({ state: "attached" });
    expect(await outcome.locator("option").allTextContents()).toEqual([
      "Private Note (Halo's default)",
      "Private Note",
      "Escalation note",
    ]);
    await outcome.selectOption({ label: "Escalation note" });
    await saved.getByRole("button", { name: "Save" }).click();
    await saved.getByRole("status").getByText("Saved").waitFor();

    const admin = await apiAs(app, account.admin.email);
    expect((await admin.psa.get()).connection).toMatchObject({
      noteOutcome: { id: 23, name: "Escalation note" },
    });

    await page.reload();
    const reloaded = page.getByRole("form", { name: "Change the connection" }).getByLabel("Note outcome");
    await expect.poll(() => reloaded.inputValue()).toBe("23");
    await reloaded.selectOption({ label: "Private Note (Halo's default)" });
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").getByText("Saved").waitFor();
    expect((await admin.psa.get()).connection).toMatchObject({ noteOutcome: null });
  });
});
