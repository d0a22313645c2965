// An ADMIN registers a webhook endpoint in the browser, copies its secret (shown once), and sees an
// escalation's delivery in the log, then resends it; against a receiver on this machine.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs, createAccount, openAs, screenshot, useApp } from "./harness.ts";

const received: Array<{ id: string; body: string }> = [];
const receiver = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  received.push({ id: String(req.headers["webhook-id"]), body: Buffer.concat(chunks).toString("utf8") });
  res.writeHead(200).end("ok");
});

beforeAll(async () => {
  receiver.listen(0, "127.0.0.1");
  await once(receiver, "listening");
});
afterAll(() => {
  receiver.close();
});
const app = useApp({ isWebhookReceiverLocal: true });

describe("the Webhooks tab", () => {
  it("registers an endpoint, shows its secret once, and logs and resends a delivery", async () => {
    const account = await createAccount(app);
    const { page } = await openAs(app, account.admin.email, "/admin/webhooks");
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/rmm`;
    const form = page.getByRole("form", { name: "Add a webhook or channel" });
    await form.getByLabel("URL").fill(url);
    await form.getByLabel("Description").fill("RMM ticket sync");
    await form.getByLabel("handoff.claimed").check();
    await form.getByRole("button", { name: "Add" }).click();

    const secret = page.getByTestId("webhook-secret");
    await expect.poll(() => secret.locator("code").textContent()).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    await secret.getByRole("button", { name: "Done" }).click();
    await secret.waitFor({ state: "detached" });
    const endpoint = page.getByTestId("webhook-endpoint").filter({ hasText: "RMM ticket sync" });
    await endpoint.getByText(url).waitFor();
    await endpoint.getByText("handoff.created, handoff.claimed").waitFor();

    const engineer = await apiAs(app, account.engineer.email);
    await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
    await endpoint.getByRole("button", { name: "Deliveries" }).click();
    const row = endpoint
      .getByTestId("webhook-deliveries")
      .locator("tbody tr")
      .filter({ hasText: "handoff.created" });
    await row.getByText("delivered").waitFor({ timeout: 15_000 });
    await expect.poll(() => row.locator("td").nth(4).textContent()).toBe("200");
    expect(received).toHaveLength(1);
    await screenshot(page, "admin-webhooks.png");

    await row.getByRole("button", { name: "Resend" }).click();
    await expect.poll(() => row.locator("td").nth(3).textContent(), { timeout: 15_000 }).toBe("2");
    await row.getByText("delivered").waitFor();
    expect(received.map((request) => request.id)).toEqual([received[0]?.id, received[0]?.id]);
    expect(received[1]?.body).toBe(received[0]?.body);
  });
});
