import { createTestAccount, testDatabaseTargets } from "@handoff/db/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { type TestClient, WITHOUT_ASSESSMENTS } from "../src/testing/index.ts";
import { useTestServer } from "./support/use-test-server.ts";

describe.each(await testDatabaseTargets())("ranked session search on %s", (target) => {
  let erin: TestClient;
  let viewer: TestClient;
  let ids: Record<"inSummary" | "inStep" | "bounce" | "enrolment", string>;

  const app = useTestServer({ target, server: WITHOUT_ASSESSMENTS });

  beforeAll(async () => {
    const account = await createTestAccount(app.prisma);
    erin = await app.clientFor(account.engineer);
    viewer = await app.clientFor(account.viewer);

    const inSummary = await erin.session.create({
      problemSummary: "Outlook password prompt loops",
      problemDomain: "Microsoft 365",
    });
    const bounce = await erin.session.create({
      problemSummary: "Mail to a supplier bounces",
      problemDomain: "Exchange",
    });
    await erin.session.addEntry({
      sessionId: bounce.id,
      kind: "step",
      body: "The NDR says 550 5.7.520 Access denied, your organization does not allow external forwarding.",
    });
    const enrolment = await erin.session.create({
      problemSummary: "New Dell stuck at the ESP",
      problemDomain: "Intune",
      psaTicketId: "HALO-4410",
    });
    const branch = await erin.session.openBranch({
      sessionId: enrolment.id,
      label: "Delete the stale Intune record",
    });
    await erin.session.setBranch({
      sessionId: enrolment.id,
      branchId: branch.id,
      status: "resolved",
      outcome: "Enrolled after 0x80180014 went away",
    });
    // The newest, so only its rank can put it below the summary match.
    const inStep = await erin.session.create({
      problemSummary: "New laptop setup",
      problemDomain: "Endpoint",
    });
    await erin.session.addEntry({
      sessionId: inStep.id,
      kind: "note",
      body: "During setup Outlook asked for the password twice; <b>ignored</b> it.",
    });
    ids = { inSummary: inSummary.id, inStep: inStep.id, bounce: bounce.id, enrolment: enrolment.id };
  });

  const list = (search: string, limit = 25, cursor?: string) =>
    viewer.session.list({ scope: "account", search, limit, ...(cursor ? { cursor } : {}) });

  it("puts the best match first and returns what matched as highlighted parts", async () => {
    const { items } = await list("outlook passwords");
    expect(items.map((item) => item.id)).toEqual([ids.inSummary, ids.inStep]);
    const [summaryMatch, stepMatch] = items;
    expect(summaryMatch?.summaryHighlight).toEqual([
      { text: "Outlook", isMatch: true },
      { text: " ", isMatch: false },
      { text: "password", isMatch: true },
      { text: " prompt loops", isMatch: false },
    ]);
    expect(stepMatch?.summaryHighlight).toBeNull();
    expect(stepMatch?.snippet?.filter((part) => part.isMatch).map((part) => part.text)).toEqual([
      "Outlook",
      "password",
    ]);
    // The passage is plain text: the text parser reads markup as tags, and ts_headline leaves them out.
    const passage = stepMatch?.snippet?.map((part) => part.text).join("");
    expect(passage).toContain("ignored");
    expect(passage).not.toContain("<b>");
  });

  it("finds error codes and ticket ids, and highlights the code", async () => {
    const bounce = await list("5.7.520");
    expect(bounce.items.map((item) => item.id)).toEqual([ids.bounce]);
    expect(bounce.items[0]?.snippet?.find((part) => part.isMatch)?.text).toBe("5.7.520");
    expect((await list("550 5.7.520")).items.map((item) => item.id)).toEqual([ids.bounce]);

    const enrolment = await list("0x80180014");
    expect(enrolment.items.map((item) => item.id)).toEqual([ids.enrolment]);
    expect(enrolment.items[0]?.snippet?.find((part) => part.isMatch)?.text).toBe("0x80180014");
    expect((await list("HALO-4410")).items.map((item) => item.id)).toEqual([ids.enrolment]);
    // Part of a code is still found, by its text.
    expect((await list("0x8018")).items.map((item) => item.id)).toEqual([ids.enrolment]);
  });

  it("finds a session by what its handoffs' notes say, and by its own text after a handoff without notes", async () => {
    const parked = await erin.session.create({
      problemSummary: "Printer queue stalls",
      problemDomain: "Print",
    });
    await erin.handoff.park({ sessionId: parked.id });
    const escalated = await erin.session.create({
      problemSummary: "Firewall drops VPN",
      problemDomain: "Network",
    });
    await erin.session.addEntry({ sessionId: escalated.id, kind: "note", body: "Tunnel flaps at 02:00" });
    await erin.handoff.escalate({
      sessionId: escalated.id,
      priority: "high",
      notes: "Concentrator QX-77 reboots nightly",
    });

    expect((await list("QX-77")).items.map((item) => item.id)).toEqual([escalated.id]);
    expect((await list("concentrator reboots")).items.map((item) => item.id)).toEqual([escalated.id]);
    expect((await list("tunnel flaps")).items.map((item) => item.id)).toEqual([escalated.id]);
    expect((await list("printer stalls")).items.map((item) => item.id)).toEqual([parked.id]);
  });

  it("pages a ranked search in the same order as one page, and refuses a cursor of the other kind", async () => {
    const whole = (await list("outlook password")).items.map((item) => item.id);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list("outlook password", 1, cursor);
      paged.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(whole);

    const { nextCursor } = await viewer.session.list({ scope: "account", limit: 1 });
    await expect(list("outlook", 1, nextCursor ?? undefined)).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
    });
  });
});
