// The demo as a first `pnpm start` has it, with no model configured: Bob's VPN escalation was
// solved twice before in the account, so its queue card names that fix as the likely cause, who
// applied it and when, and links the two sessions.
import { expect, it } from "vitest";
import { openQueue, queueCards, useApp } from "./harness.ts";

const app = useApp({ isDemoSeeded: true });

it("shows the team's earlier fix as the likely cause of the demo's VPN escalation", async () => {
  const { page } = await openQueue(app, "sam@acme.test");
  const card = queueCards(page, "VPN drops every 10 minutes for remote staff");
  const assessment = card.getByTestId("card-assessment");
  await assessment.getByText("In 2 similar sessions the fix was").waitFor();
  expect(await assessment.textContent()).toBe(
    "Likely cause: In 2 similar sessions the fix was: Enable NAT keep-alive and lower DPD to 20 s — Sam Ortiz, 12 days ago. Ruled out: Check the IPsec phase 2 key lifetime (Lifetime is 43200 s on both ends; rekeys are clean). Rules",
  );
  const links = card.getByTestId("card-prior-sessions").getByRole("link");
  expect((await links.allTextContents()).sort()).toEqual([
    "Remote staff VPN tunnel drops when idle",
    "VPN disconnects every 10 minutes for home workers at Harbor Dental",
  ]);
});
