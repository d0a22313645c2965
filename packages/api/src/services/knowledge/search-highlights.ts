// Highlighted passages of a search (ts_headline) as text parts. The database marks the matches with
// two control characters that entries can never hold (input validation refuses them), and the
// marked text is split here, so a client renders highlights as elements, never parsed markup.
import { Prisma } from "@handoff/db";
import type { TTextPart } from "../../schemas/outputs.ts";

const START = "\u0002";
const STOP = "\u0003";

/** The text search the list's words make: web-search syntax ("quoted phrases", or, -word). */
export function searchQuerySql(search: string): Prisma.Sql {
  return Prisma.sql`websearch_to_tsquery('english', ${search})`;
}

/** ts_headline of `document` for `query`, its matches between START and STOP. */
export function headlineSql(document: Prisma.Sql, query: Prisma.Sql, isWhole: boolean): Prisma.Sql {
  const options = isWhole
    ? `StartSel=${START}, StopSel=${STOP}, HighlightAll=true`
    : `StartSel=${START}, StopSel=${STOP}, MaxFragments=2, MaxWords=18, MinWords=6, FragmentDelimiter=" … "`;
  return Prisma.sql`ts_headline('english', ${document}, ${query}, ${options})`;
}

/** The headline as parts, or null when nothing in it matched (nothing worth showing). */
export function toTextParts(headline: string | null): TTextPart[] | null {
  if (!headline?.includes(START)) return null;
  const parts: TTextPart[] = [];
  for (const [index, piece] of headline.split(START).entries()) {
    const [matched, rest] = index === 0 ? [null, piece] : splitOnce(piece, STOP);
    if (matched) parts.push({ text: matched, isMatch: true });
    if (rest) parts.push({ text: rest, isMatch: false });
  }
  return parts;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ""] : [text.slice(0, at), text.slice(at + separator.length)];
}
