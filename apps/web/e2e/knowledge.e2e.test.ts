// What the team already knows, in a real browser with no model configured: an escalation whose
// problem was solved before shows that fix as its likely cause on the queue card, with links to
// the sessions; the handoff page lists the matches, a senior marks one "This was it" and it goes
// first, and a viewer reads them without the buttons. The sessions search highlights what matched.
import { describe, expect, it } from "vitest";
import { apiAs, createAccount, openAs, openQueue, queueCards, useApp } from "./harness.ts";

const app = useApp();

type TApi = Awaited<ReturnType<typeof apiAs>>;

async function resolvedSession(
  api: TApi,
  spec: { summary: string; step: string; fix: string; resolution: string },
): Promise<string> {
  const { id } = await api.session.create({ problemSummary: spec.summary, problemDomain: "Microsoft 365" });
  await api.session.addEntry({ sessionId: id, kind: "step", body: spec.step });
  const branch = await api.session.openBranch({ sessionId: id, label: spec.fix });
  await api.session.setBranch({ sessionId: id, branchId: branch.id, status: "resolved", outcome: "Fixed" });
  await api.session.resolve({ sessionId: id, resolution: spec.resolution });
  return id;
}

describe("similar resolved sessions", () => {
  it("shows the team's earlier fix on the card and the handoff page, and a senior marks a match", async () => {
    const account = await createAccount(app);
    const erin = await apiAs(app, account.engineer.email);
    const first = await resolvedSession(erin, {
      summary: "Outlook keeps prompting the CFO for the password",
      step: "Sign-in log shows error 0x80180014 after the phone swap",
      fix: "Reset the MFA registration",
      resolution: "Stale MFA registration.",
    });
    const second = await resolvedSession(erin, {
      summary: "Outlook keeps prompting reception for the password",
      step: "Credential Manager cleared, still prompted",
      fix: "Reset the MFA registration",
      resolution: "Stale MFA registration again.",
    });
    const current = await erin.session.create({
      problemSummary: "Outlook keeps prompting for the password since Monday",
      problemDomain: "Microsoft 365",
    });
    const { page } = await openQueue(app, account.senior.email);
    const handoff = await erin.handoff.escalate({ sessionId: current.id, priority: "high" });

    const card = queueCards(page, "Outlook keeps prompting for the password since Monday");
    await card
      .getByTestId("card-assessment")
      .getByText("In 2 similar sessions the fix was: Reset the MFA registration")
      .waitFor();
    const prior = card.getByTestId("card-prior-sessions");
    expect(await prior.getByRole("link").count()).toBe(2);
    expect(
      await prior
        .getByRole("link", { name: "Outlook keeps prompting the CFO for the password" })
        .getAttribute("href"),
    ).toBe(`/sessions/${first}`);

    await page.goto(`/handoffs/${handoff.id}`);
    const panel = page.getByTestId("similar-sessions");
    const matches = panel.getByTestId("similar-match");
    await matches.first().waitFor();
    expect(await matches.count()).toBe(2);
    await expect
      .poll(() => panel.getByTestId("similar-fix").first().textContent())
      .toContain("Reset the MFA registration");
    const summaries = () => panel.locator(".similar__title").allTextContents();
    const [, secondShown] = await summaries();
    const secondMatch = matches.filter({ hasText: secondShown ?? "" });
    await secondMatch.getByRole("button", { name: "This was it" }).click();
    await secondMatch.getByRole("button", { name: "This was it", pressed: true }).waitFor();
    expect((await summaries())[0]).toBe(secondShown);
    const verdicts = await app.server.deps.prisma.similarSessionVerdict.findMany({
      where: { sessionId: current.id },
    });
    expect(verdicts).toMatchObject([
      {
        userId: account.senior.id,
        matchedSessionId: secondShown?.includes("reception") ? second : first,
        verdict: "THIS_WAS_IT",
      },
    ]);

    // A viewer sees the matches, read-only.
    const { page: viewerPage } = await openAs(app, account.viewer.email, `/handoffs/${handoff.id}`);
    const viewerPanel = viewerPage.getByTestId("similar-sessions");
    await viewerPanel.getByTestId("similar-match").first().waitFor();
    expect(await viewerPanel.getByRole("button").count()).toBe(0);
  });

  it("highlights what a search matched in the sessions list, error codes included", async () => {
    const account = await createAccount(app);
    const erin = await apiAs(app, account.engineer.email);
    await resolvedSession(erin, {
      summary: "New Dell stuck at the enrolment status page",
      step: "The ESP shows 0x80180014 <script>alert(1)</script>",
      fix: "Delete the stale Intune record",
      resolution: "Re-enrolled.",
    });
    const { page } = await openAs(app, account.viewer.email, "/sessions");
    await page.getByRole("radio", { name: account.account.name }).check();
    await page.getByRole("searchbox").fill("0x80180014");
    const snippet = page.getByTestId("search-snippet");
    await snippet.waitFor();
    expect(await snippet.locator("mark").allTextContents()).toEqual(["0x80180014"]);
    expect(await page.locator("script", { hasText: "alert(1)" }).count()).toBe(0);
  });
});
