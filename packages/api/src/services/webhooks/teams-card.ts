// A Teams message for an incoming webhook or a Workflows "post to a channel when a webhook request
// is received" flow: a message whose one attachment is an Adaptive Card 1.4 (the version both
// accept). Card text is markdown, so text from people is escaped; the SLA time uses the card's
// DATE/TIME functions, which Teams shows in each reader's own time zone.
import type { IAdaptiveCard } from "@microsoft/teams.cards";
import type { TChatContent } from "./chat-content.ts";

export const ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

export type TTeamsMessage = {
  type: "message";
  attachments: Array<{
    contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE;
    contentUrl: null;
    content: IAdaptiveCard;
  }>;
};

/** Backslash-escapes what the card's markdown would otherwise read as formatting or a link. */
export function escapeTeamsMarkdown(text: string): string {
  return text.replace(/[\\`*_~#[\]()<>!|-]/g, (char) => `\\${char}`);
}

/** The DATE/TIME functions want "YYYY-MM-DDThh:mm:ssZ", no fraction. */
const cardTime = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, "Z");

export function teamsMessage(content: TChatContent): TTeamsMessage {
  const facts = content.facts.map(([title, value]) => ({ title, value: escapeTeamsMarkdown(value) }));
  if (content.dueAt) {
    const at = cardTime(content.dueAt);
    facts.push({ title: "SLA due", value: `{{DATE(${at}, SHORT)}} {{TIME(${at})}}` });
  }
  const card: IAdaptiveCard = {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.4",
    body: [
      {
        type: "TextBlock",
        text: escapeTeamsMarkdown(content.headline),
        size: "Large",
        weight: "Bolder",
        wrap: true,
      },
      ...(facts.length > 0 ? [{ type: "FactSet" as const, facts }] : []),
      ...(content.excerpt
        ? [
            {
              type: "TextBlock" as const,
              text: content.excerpt.label,
              weight: "Bolder" as const,
              wrap: true,
            },
            { type: "TextBlock" as const, text: escapeTeamsMarkdown(content.excerpt.text), wrap: true },
          ]
        : []),
    ],
    actions: [{ type: "Action.OpenUrl", title: content.link.label, url: content.link.url }],
  };
  return {
    type: "message",
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: card }],
  };
}
