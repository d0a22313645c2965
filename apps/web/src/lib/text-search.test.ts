import { describe, expect, it } from "vitest";
import { matchesAllWords } from "./text-search.ts";

describe("matchesAllWords", () => {
  const fields = ["Outlook asks for the password", "Microsoft 365", null, "Zoë Müller"];

  it("finds every word in any field, in any order, ignoring case and accents", () => {
    expect(matchesAllWords(fields, "password microsoft")).toBe(true);
    expect(matchesAllWords(fields, "ZOE muller")).toBe(true);
  });

  it("needs all the words", () => {
    expect(matchesAllWords(fields, "password printer")).toBe(false);
  });

  it("matches everything for an empty query", () => {
    expect(matchesAllWords(fields, "   ")).toBe(true);
  });
});
