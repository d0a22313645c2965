import { describe, expect, it } from "vitest";
import { csvCell, csvRows } from "./csv.ts";

describe("csvCell", () => {
  it.each(['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"])(
    "prefixes a formula-looking cell %j with an apostrophe",
    (value) => {
      expect(csvCell(value).replace(/^"/, "").startsWith("'")).toBe(true);
    },
  );

  it("quotes commas, quotes and line breaks, doubling quotes", () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
  });

  it("leaves plain text and numbers alone and writes null as empty", () => {
    expect(csvCell("alice@acme.test")).toBe("alice@acme.test");
    expect(csvCell(42)).toBe("42");
    expect(csvCell(null)).toBe("");
  });
});

describe("csvRows", () => {
  it("ends every row with CRLF", () => {
    expect(
      csvRows([
        ["a", "b"],
        ["=1", null],
      ]),
    ).toBe("a,b\r\n'=1,\r\n");
  });
});
