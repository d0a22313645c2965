import { createTestAccount, type TestAccount, testDatabaseTargets } from "@handoff/db/testing";
import type { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { type TestClient, WITHOUT_ASSESSMENTS } from "../src/testing/index.ts";
import { createResolvedSession } from "./support/resolved-sessions.ts";
import { useTestServer } from "./support/use-test-server.ts";

describe.each(await testDatabaseTargets())("similar resolved sessions on %s", (target) => {
  const app = useTestServer({ target, server: WITHOUT_ASSESSMENTS });

  async function accountWithClients(): Promise<{ account: TestAccount; erin: TestClient; sid: TestClient }> {
    const account = await createTestAccount(app.prisma);
    return { account, erin: await app.clientFor(account.engineer), sid: await app.clientFor(account.senior) };
  }

  it("ranks same-domain keyword matches first and says who resolved each, when, and what fixed it", async () => {
    const { account, erin, sid } = await accountWithClients();
    const outlook = await createResolvedSession(erin, {
      summary: "Outlook keeps prompting for the password on every start",
      domain: "Microsoft 365",
      steps: ["Cleared the cached credentials in Credential Manager"],
      deadEnds: [{ label: "Recreate the Outlook profile", outcome: "Still prompted" }],
      fix: {
        label: "Reset the MFA registration",
        outcome: "No prompt after re-registering the Authenticator",
      },
      resolution: "Stale MFA registration after the phone was replaced.",
    });
    const printer = await createResolvedSession(erin, {
      summary: "Copier panel keeps prompting for a password",
      domain: "Printing",
      resolution: "Reset the copier's scan-to-email account.",
    });
    await createResolvedSession(erin, {
      summary: "Nightly backup job fails on the NAS",
      domain: "Storage",
      resolution: "Replaced the failing disk.",
    });
    const stillOpen = await erin.session.create({
      problemSummary: "Outlook password prompt loops for the CFO",
      problemDomain: "Microsoft 365",
    });
    const current = await erin.session.create({
      problemSummary: "Outlook password prompt keeps coming back after an MFA change",
      problemDomain: "Microsoft 365",
    });

    const { items } = await sid.session.similar({ sessionId: current.id });
    expect(items.map((item) => item.sessionId)).toEqual([outlook, printer]);
    expect(items.map((item) => item.sessionId)).not.toContain(stillOpen.id);
    expect(items[0]).toMatchObject({
      problemSummary: "Outlook keeps prompting for the password on every start",
      problemDomain: "Microsoft 365",
      resolvedBy: { id: account.engineer.id, name: account.engineer.name },
      resolution: "Stale MFA registration after the phone was replaced.",
      fix: {
        label: "Reset the MFA registration",
        outcome: "No prompt after re-registering the Authenticator",
      },
      verdict: null,
    });
    expect(Date.parse(items[0]?.resolvedAt ?? "")).toBeGreaterThan(Date.now() - 60_000);
    expect(items[0]?.score).toBeGreaterThan(items[1]?.score ?? Number.POSITIVE_INFINITY);
    // A session is never its own match, even once resolved.
    expect(
      (await sid.session.similar({ sessionId: outlook })).items.map((item) => item.sessionId),
    ).not.toContain(outlook);
  });

  it("finds error codes: the session sharing the code ranks above ones sharing only words", async () => {
    const { erin, sid } = await accountWithClients();
    const profile = await createResolvedSession(erin, {
      summary: "Autopilot profile not assigned to new laptops",
      domain: "Intune",
      resolution: "Re-synced the Autopilot devices and assigned the profile to the group.",
    });
    const enrolment = await createResolvedSession(erin, {
      summary: "Device enrolment fails on the new Dell",
      domain: "Intune",
      steps: ["Error on the ESP screen: 0x80180014"],
      fix: {
        label: "Remove the device from Intune before re-enrolling",
        outcome: "Enrolled at the next try",
      },
      resolution: "A stale Intune record blocked enrolment.",
    });
    const bounce = await createResolvedSession(erin, {
      summary: "Mail to the supplier bounces",
      domain: "Exchange Online",
      steps: ["NDR says 550 5.7.520 Access denied, your organization does not allow external forwarding"],
      resolution: "Outbound spam policy allowed forwarding for the mailbox.",
    });
    await createResolvedSession(erin, {
      summary: "Mail to the supplier is slow",
      domain: "Exchange Online",
      resolution: "Their gateway was greylisting.",
    });

    const autopilot = await erin.session.create({
      problemSummary: "Autopilot enrolment stops with 0x80180014",
      problemDomain: "Intune",
    });
    expect(
      (await sid.session.similar({ sessionId: autopilot.id })).items.map((item) => item.sessionId),
    ).toEqual([enrolment, profile]);

    const ndr = await erin.session.create({
      problemSummary: "Forwarded mail bounced with 550 5.7.520",
      problemDomain: "Exchange Online",
    });
    expect(
      (await sid.session.similar({ sessionId: ndr.id, limit: 1 })).items.map((item) => item.sessionId),
    ).toEqual([bounce]);
  });

  it("never shows another account's sessions, and refuses another account's session", async () => {
    const { erin, sid } = await accountWithClients();
    const other = await accountWithClients();
    const theirs = await createResolvedSession(other.erin, {
      summary: "Teams meeting audio drops every 10 minutes",
      domain: "Microsoft 365 / Teams",
      fix: { label: "Disable the VPN split-tunnel exclusion", outcome: "Calls stable" },
      resolution: "VPN hair-pinned the media traffic.",
    });
    const current = await erin.session.create({
      problemSummary: "Teams meeting audio drops every 10 minutes",
      problemDomain: "Microsoft 365 / Teams",
    });

    expect((await sid.session.similar({ sessionId: current.id })).items).toEqual([]);
    expect((await other.sid.session.similar({ sessionId: theirs })).items).toEqual([]);
    const refused = await other.sid.session
      .similar({ sessionId: current.id })
      .catch((error: TRPCClientError<never>) => error);
    expect(refused).toMatchObject({ data: { code: "NOT_FOUND" } });
    const verdict = await other.sid.session
      .similarVerdict({ sessionId: current.id, matchedSessionId: theirs, verdict: "this_was_it" })
      .catch((error: TRPCClientError<never>) => error);
    expect(verdict).toMatchObject({ data: { code: "NOT_FOUND" } });
    expect(await app.prisma.similarSessionVerdict.count({ where: { sessionId: current.id } })).toBe(0);
  });

  it("prefers the same domain and the more recent fix when the words are alike", async () => {
    const { account, erin, sid } = await accountWithClients();
    const spec = {
      summary: "Shared mailbox missing from Outlook",
      resolution: "Re-added the full access permission with automapping.",
    };
    const otherDomain = await createResolvedSession(erin, { ...spec, domain: "Exchange on-premises" });
    const older = await createResolvedSession(erin, { ...spec, domain: "Microsoft 365" });
    const newer = await createResolvedSession(erin, { ...spec, domain: "Microsoft 365" });
    await app.prisma.session.update({
      where: { id: older, accountId: account.account.id },
      data: { resolvedAt: new Date(Date.now() - 300 * 86_400_000) },
    });
    const current = await erin.session.create({
      problemSummary: "Shared mailbox missing from Outlook for the new starter",
      problemDomain: "Microsoft 365",
    });
    expect(
      (await sid.session.similar({ sessionId: current.id })).items.map((item) => item.sessionId),
    ).toEqual([newer, older, otherDomain]);
  });

  it("ranks by the team's verdicts: 'this was it' goes first, 'not related' drops out; a viewer only reads", async () => {
    const { account, erin, sid } = await accountWithClients();
    const viewer = await app.clientFor(account.viewer);
    const dns = await createResolvedSession(erin, {
      summary: "VPN connects but no internal sites load",
      domain: "Network",
      fix: { label: "Push the internal DNS suffix to VPN clients", outcome: "Sites load" },
      resolution: "Missing DNS suffix on the VPN profile.",
    });
    const mtu = await createResolvedSession(erin, {
      summary: "VPN connects, internal sites time out",
      domain: "Network",
      fix: { label: "Lower the tunnel MTU to 1400", outcome: "Sites load" },
      resolution: "Fragmentation on the new ISP line.",
    });
    const current = await erin.session.create({
      problemSummary: "VPN connects but internal sites do not load",
      problemDomain: "Network",
    });
    const order = async (client: TestClient) =>
      (await client.session.similar({ sessionId: current.id })).items.map((item) => item.sessionId);
    expect(await order(sid)).toEqual([dns, mtu]);

    const refused = await viewer.session
      .similarVerdict({ sessionId: current.id, matchedSessionId: mtu, verdict: "this_was_it" })
      .catch((error: TRPCClientError<never>) => error);
    expect(refused).toMatchObject({ data: { code: "FORBIDDEN" } });
    const notResolved = await sid.session
      .similarVerdict({ sessionId: mtu, matchedSessionId: current.id, verdict: "this_was_it" })
      .catch((error: TRPCClientError<never>) => error);
    expect(notResolved).toMatchObject({ data: { code: "BAD_REQUEST" } });
    expect(await app.prisma.similarSessionVerdict.count({ where: { accountId: account.account.id } })).toBe(
      0,
    );

    expect(
      await sid.session.similarVerdict({
        sessionId: current.id,
        matchedSessionId: mtu,
        verdict: "this_was_it",
      }),
    ).toEqual({ verdict: "this_was_it" });
    expect(await order(sid)).toEqual([mtu, dns]);
    expect(await order(viewer)).toEqual([mtu, dns]);
    const [first] = (await sid.session.similar({ sessionId: current.id })).items;
    expect(first).toMatchObject({ sessionId: mtu, verdict: "this_was_it" });

    // Marking it again changes the one verdict rather than adding a second.
    await sid.session.similarVerdict({
      sessionId: current.id,
      matchedSessionId: mtu,
      verdict: "not_related",
    });
    expect(await app.prisma.similarSessionVerdict.count({ where: { accountId: account.account.id } })).toBe(
      1,
    );
    expect(await order(sid)).toEqual([dns]);

    await sid.session.similarVerdict({ sessionId: current.id, matchedSessionId: mtu, verdict: null });
    expect(await order(sid)).toEqual([dns, mtu]);
  });
});
