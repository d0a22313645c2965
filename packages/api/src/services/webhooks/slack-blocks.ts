// A Slack incoming-webhook message in Block Kit: a header, the facts as section fields, the notes,
// the SLA time in a context line (Slack's date token shows it in each reader's time zone), and a
// button into Handoff; `text` is the notification's fallback. Text from people is escaped for
// mrkdwn (&, <, >), which also keeps it from forming <!channel>-style mentions or links, and a
// bare @channel, @here or @everyone is broken so it notifies no one.
import type { KnownBlock } from "@slack/types";
import type { TChatContent } from "./chat-content.ts";

const HEADER_MAX_CHARS = 150;

export type TSlackMessage = { text: string; blocks: KnownBlock[] };

export function escapeSlackText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(channel|here|everyone)\b/gi, "@\u200b$1");
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function slackMessage(content: TChatContent): TSlackMessage {
  const blocks: KnownBlock[] = [
    {
      type: "header",
      // plain_text: shown as typed, never parsed for mentions or links.
      text: { type: "plain_text", text: cut(content.headline, HEADER_MAX_CHARS), emoji: false },
    },
  ];
  if (content.facts.length > 0) {
    blocks.push({
      type: "section",
      fields: content.facts.map(([label, value]) => ({
        type: "mrkdwn",
        text: `*${label}*\n${escapeSlackText(value)}`,
      })),
    });
  }
  if (content.excerpt) {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: `*${content.excerpt.label}*\n${escapeSlackText(content.excerpt.text)}` },
    });
  }
  if (content.dueAt) {
    const seconds = Math.floor(content.dueAt.getTime() / 1000);
    blocks.push({
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `SLA due <!date^${seconds}^{date_short_pretty} at {time}|${content.dueAt.toISOString()}>`,
        },
      ],
    });
  }
  blocks.push({
    type: "actions",
    elements: [
      {
        type: "button",
        text: { type: "plain_text", text: content.link.label },
        url: content.link.url,
        action_id: "open_in_handoff",
      },
    ],
  });
  return { text: escapeSlackText(content.fallback), blocks };
}
