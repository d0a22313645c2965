import { describe, expect, it } from "vitest";
import { toTextParts } from "./search-highlights.ts";

const mark = (text: string) => `\u0002${text}\u0003`;

describe("search highlights as text parts", () => {
  it("splits a headline on the match markers, in order, text kept as it is", () => {
    expect(toTextParts(`${mark("Outlook")} asks for the ${mark("password")} <b>twice</b>`)).toEqual([
      { text: "Outlook", isMatch: true },
      { text: " asks for the ", isMatch: false },
      { text: "password", isMatch: true },
      { text: " <b>twice</b>", isMatch: false },
    ]);
    expect(toTextParts(`${mark("550")} ${mark("5.7.520")}`)).toEqual([
      { text: "550", isMatch: true },
      { text: " ", isMatch: false },
      { text: "5.7.520", isMatch: true },
    ]);
  });

  it("is null when nothing in the headline matched, or there is none", () => {
    expect(toTextParts("The first words of the session")).toBeNull();
    expect(toTextParts("")).toBeNull();
    expect(toTextParts(null)).toBeNull();
  });
});
