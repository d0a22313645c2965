// Teams and Slack channels through the real server, against a stand-in receiver: a team's
// escalations at or above the channel's priority arrive as an Adaptive Card (checked by the
// Adaptive Cards SDK's own parser) and as Block Kit (the documented limits), people's text is
// escaped so it cannot mention @channel, link or format; overdue re-pages, the claim and the
// resolution follow up in the same channels. A manual clock makes the escalation overdue.
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { createManualClock } from "@handoff/api";
import { createTestAccount, testDatabaseTargets } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_APP_ORIGIN, WITHOUT_ASSESSMENTS } from "../src/testing/index.ts";
import { useTestServer } from "./support/use-test-server.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver.ts";

// The SDK's ES modules do not load in Node; its bundle does, and parses as Teams' renderer does.
const AdaptiveCards = createRequire(import.meta.url)(
  "adaptivecards/dist/adaptivecards.js",
) as typeof import("adaptivecards");

/** What the Adaptive Cards SDK objects to in a card (unknown elements, bad values), as messages. */
function adaptiveCardProblems(card: unknown): string[] {
  const context = new AdaptiveCards.SerializationContext();
  const parsed = new AdaptiveCards.AdaptiveCard();
  parsed.parse(card as never, context);
  const problems = Array.from(
    { length: context.eventCount },
    (_, index) => context.getEventAt(index).message,
  );
  return [...problems, ...parsed.validateProperties().validationEvents.map((event) => event.message)];
}

/** What the tests read of the messages, as received (JSON). */
type TTeamsCard = {
  type: string;
  version: string;
  body: Array<{ type: string; text?: string; facts?: Array<{ title: string; value: string }> }>;
  actions: unknown[];
};
type TTeamsBody = { type: string; attachments: Array<{ contentType: string; content: TTeamsCard }> };
type TSlackText = { type: string; text: string; emoji?: boolean };
type TSlackBlock = {
  type: string;
  text?: TSlackText;
  fields?: TSlackText[];
  elements?: Array<{ type: string; text: TSlackText | string; url?: string }>;
};
type TSlackBody = { text: string; blocks: TSlackBlock[] };

/** Block Kit's documented limits for the blocks we send. */
function blockKitProblems(message: TSlackBody): string[] {
  const problems: string[] = [];
  if (message.blocks.length > 50) problems.push("more than 50 blocks");
  for (const block of message.blocks) {
    if (block.type === "header" && (block.text?.type !== "plain_text" || block.text.text.length > 150))
      problems.push("header: plain_text of at most 150 characters");
    if (block.type === "section") {
      if ((block.fields ?? []).length > 10) problems.push("section: at most 10 fields");
      for (const field of block.fields ?? []) if (field.text.length > 2000) problems.push("field over 2000");
      if (block.text && block.text.text.length > 3000) problems.push("section text over 3000");
    }
    if (block.type === "actions") {
      for (const element of block.elements ?? []) {
        const label = typeof element.text === "string" ? null : element.text;
        if (element.type !== "button" || label?.type !== "plain_text" || label.text.length > 75)
          problems.push("button: plain_text of at most 75 characters");
        if ((element.url ?? "").length > 3000) problems.push("button url over 3000");
      }
    }
    if (!["header", "section", "context", "actions"].includes(block.type))
      problems.push(`unexpected ${block.type}`);
  }
  return problems;
}

const MINUTE = 60_000;
const NOTES =
  "Ping <!channel> & @here *now*: see [this](https://evil.example) or <https://evil.example|here> _asap_";

describe.each(await testDatabaseTargets())("Teams and Slack channels on %s", (target) => {
  let receiver: WebhookReceiver;
  const clock = createManualClock();

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });
  const app = useTestServer({
    target,
    server: {
      ...WITHOUT_ASSESSMENTS,
      clock,
      psa: { secretsKey: randomBytes(32), timeoutMs: 3_000, allowPrivateHosts: false },
      webhooks: { timeoutMs: 3_000, allowPrivateHosts: true }, // the receiver listens on this machine
    },
  });
  /**
   * Finishes the work in hand, moves the clock and runs every job that came due. In that order: a
   * jump past the running jobs' lease would have the worker take them over as if theirs had died.
   */
  async function advance(minutes: number) {
    await app.server.deps.jobs.drain();
    clock.advance(minutes * MINUTE);
    await app.server.deps.jobs.drain();
  }

  it("posts a team's escalations at or above the priority, escaped, and follows them up", async () => {
    const account = await createTestAccount(app.prisma);
    const admin = await app.clientFor(account.admin);
    const otherTeam = await admin.team.create({ name: "Projects" });
    const channel = (
      kind: "teams" | "slack",
      path: string,
      teamId: string | null,
      minPriority: "low" | "high" | "urgent",
    ) =>
      admin.webhook.create({
        kind,
        url: `${receiver.baseUrl}/${account.account.id}/${path}`,
        description: path,
        teamId,
        minPriority,
      });
    const teams = await channel("teams", "teams", account.team.id, "high");
    expect(teams.secret).toBeNull();
    expect(teams.endpoint.urlHint).toBe(`${receiver.baseUrl}/…`);
    await channel("slack", "slack", null, "high");
    await channel("slack", "slack-urgent-only", null, "urgent");
    await channel("teams", "teams-other-team", otherTeam.id, "low");
    const at = (path: string) => receiver.bodiesAt(`/${account.account.id}/${path}`);

    const engineer = await app.clientFor(account.engineer);
    const card = await engineer.handoff.escalate({
      sessionId: account.session.id,
      priority: "high",
      notes: NOTES,
    });
    await advance(1);
    expect(at("slack-urgent-only")).toEqual([]);
    expect(at("teams-other-team")).toEqual([]);

    const [teamsMessage] = at("teams") as [TTeamsBody];
    expect(teamsMessage.type).toBe("message");
    expect(teamsMessage.attachments).toHaveLength(1);
    const attachment = teamsMessage.attachments[0];
    expect(attachment?.contentType).toBe("application/vnd.microsoft.card.adaptive");
    const adaptive = attachment?.content as TTeamsCard;
    expect(adaptiveCardProblems(adaptive)).toEqual([]);
    expect(adaptive).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
    expect(adaptive.body[0]?.text).toBe("New high escalation: Shared mailbox not showing in Outlook");
    const facts = Object.fromEntries((adaptive.body[1]?.facts ?? []).map((fact) => [fact.title, fact.value]));
    expect(facts).toMatchObject({
      Priority: "High",
      Domain: "Microsoft 365",
      "Escalated by": account.engineer.name,
      Team: "Service Desk",
    });
    const dueAt = card.dueAt.replace(/\.\d{3}Z$/, "Z");
    expect(facts["SLA due"]).toBe(`{{DATE(${dueAt}, SHORT)}} {{TIME(${dueAt})}}`);
    const teamsNotes = adaptive.body[3]?.text;
    // Every character markdown would act on is escaped: no link, no emphasis.
    expect(teamsNotes).toBe(
      "Ping \\<\\!channel\\> & @here \\*now\\*: see \\[this\\]\\(https://evil.example\\) or \\<https://evil.example\\|here\\> \\_asap\\_",
    );
    expect(adaptive.actions).toEqual([
      { type: "Action.OpenUrl", title: "Open in Handoff", url: `${TEST_APP_ORIGIN}/handoffs/${card.id}` },
    ]);

    const [slackMessage] = at("slack") as [TSlackBody];
    expect(blockKitProblems(slackMessage)).toEqual([]);
    expect(slackMessage.blocks.map((block) => block.type)).toEqual([
      "header",
      "section",
      "section",
      "context",
      "actions",
    ]);
    expect(slackMessage.blocks[0]?.text).toEqual({
      type: "plain_text",
      text: "New high escalation: Shared mailbox not showing in Outlook",
      emoji: false,
    });
    expect(slackMessage.blocks[1]?.fields?.[0]).toEqual({ type: "mrkdwn", text: "*Priority*\nHigh" });
    const slackNotes = slackMessage.blocks[2]?.text?.text;
    expect(slackNotes).toBe(
      "*Notes*\nPing &lt;!channel&gt; &amp; @\u200bhere *now*: see [this](https://evil.example) or &lt;https://evil.example|here&gt; _asap_",
    );
    // Nothing a person typed can open a <…> token (a mention, a link) or notify a channel.
    expect(JSON.stringify(slackMessage)).not.toMatch(/<!channel>|<https:\/\/evil|@here/);
    const seconds = Math.floor(Date.parse(card.dueAt) / 1000);
    expect(slackMessage.blocks[3]?.elements?.[0]?.text).toBe(
      `SLA due <!date^${seconds}^{date_short_pretty} at {time}|${new Date(card.dueAt).toISOString()}>`,
    );
    expect(slackMessage.blocks[4]?.elements?.[0]).toMatchObject({
      type: "button",
      text: { type: "plain_text", text: "Open in Handoff" },
      url: `${TEST_APP_ORIGIN}/handoffs/${card.id}`,
    });
    expect(slackMessage.text).toBe(
      "New high escalation: Shared mailbox not showing in Outlook (High, Microsoft 365)",
    );

    // Past its target, still unclaimed: the channels are paged again, as the people are.
    await advance(61);
    const headlines = (path: string) =>
      path.startsWith("teams")
        ? (at(path) as TTeamsBody[]).map((message) => message.attachments[0]?.content.body[0]?.text)
        : (at(path) as TSlackBody[]).map((message) => message.blocks[0]?.text?.text);
    expect(headlines("teams")).toEqual([
      "New high escalation: Shared mailbox not showing in Outlook",
      "Overdue, still unclaimed: Shared mailbox not showing in Outlook",
    ]);

    const senior = await app.clientFor(account.senior);
    await senior.handoff.claim({ handoffId: card.id });
    await advance(1);
    await senior.session.resolve({
      sessionId: account.session.id,
      resolution: "Re-added <automapping> & @channel",
    });
    await advance(1);
    for (const path of ["teams", "slack"]) {
      expect(headlines(path)).toEqual([
        "New high escalation: Shared mailbox not showing in Outlook",
        "Overdue, still unclaimed: Shared mailbox not showing in Outlook",
        `Claimed by ${account.senior.name}: Shared mailbox not showing in Outlook`,
        "Resolved: Shared mailbox not showing in Outlook",
      ]);
    }
    const resolvedSlack = (at("slack") as TSlackBody[])[3];
    expect(
      resolvedSlack?.blocks.find((block) => block.text?.text.startsWith("*Resolution"))?.text?.text,
    ).toBe(`*Resolution (${account.senior.name})*\nRe-added &lt;automapping&gt; &amp; @\u200bchannel`);
    for (const message of at("teams") as TTeamsBody[])
      expect(adaptiveCardProblems(message.attachments[0]?.content)).toEqual([]);
    for (const message of at("slack") as TSlackBody[]) expect(blockKitProblems(message)).toEqual([]);
    expect(at("slack-urgent-only")).toEqual([]);
    expect(at("teams-other-team")).toEqual([]);
  });
});
