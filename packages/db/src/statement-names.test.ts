import { describe, expect, it } from "vitest";
import { createStatementNamer } from "./statement-names.ts";

describe("createStatementNamer", () => {
  it("names a statement from its second run on, the same name for the same text", () => {
    const name = createStatementNamer({ maxNamed: 10, maxCounted: 10 });
    expect(name({ sql: "SELECT 1" })).toBe("");
    const first = name({ sql: "SELECT 1" });
    expect(first).not.toBe("");
    expect(name({ sql: "SELECT 1" })).toBe(first);
    name({ sql: "SELECT 2" });
    const second = name({ sql: "SELECT 2" });
    expect(second).not.toBe("");
    expect(second).not.toBe(first);
  });

  it("names at most maxNamed statements; the rest stay unnamed", () => {
    const name = createStatementNamer({ maxNamed: 2, maxCounted: 10 });
    for (const sql of ["A", "B", "C"]) name({ sql });
    expect([name({ sql: "A" }), name({ sql: "B" }), name({ sql: "C" }), name({ sql: "C" })]).toEqual([
      "handoff_1",
      "handoff_2",
      "",
      "",
    ]);
  });

  it("counts at most maxCounted texts before it starts counting afresh", () => {
    const name = createStatementNamer({ maxNamed: 10, maxCounted: 2 });
    for (const sql of ["A", "B", "C"]) name({ sql });
    expect(name({ sql: "A" })).toBe("");
    expect(name({ sql: "C" })).toBe("handoff_1");
  });
});
