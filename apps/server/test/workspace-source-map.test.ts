// The server bundle's source map keeps the workspace's code and maps nothing inside npm packages,
// read the way Node reads it for an error stack (module.SourceMap, as --enable-source-maps does).
import { SourceMap } from "node:module";
import { encode } from "@jridgewell/sourcemap-codec";
import { describe, expect, it } from "vitest";
import { withoutPackageMappings } from "../scripts/workspace-source-map.mjs";

const SOURCES = ["../src/main.ts", "../../../node_modules/.pnpm/pino@10.4.0/node_modules/pino/pino.js"];
const [OWN, PACKAGE] = [0, 1];

/** Generated line → segments [column, source, line, column]: the workspace, a package, then both on one line. */
const BUNDLE = encode([
  [[0, OWN, 10, 0]],
  [[0, PACKAGE, 1, 0]],
  [[0, PACKAGE, 2, 0]],
  [[0, OWN, 20, 0]],
  [
    [0, OWN, 30, 0],
    [12, PACKAGE, 3, 0],
    [24, OWN, 31, 0],
  ],
]);

function sourceAt(map: SourceMap, line: number, column: number) {
  const entry = map.findEntry(line, column) as { originalSource?: string; originalLine?: number };
  return entry.originalSource === undefined ? null : `${entry.originalSource}:${entry.originalLine}`;
}

describe("the server bundle's source map", () => {
  const full = JSON.stringify({ version: 3, sources: SOURCES, names: [], mappings: BUNDLE });
  const cut = new SourceMap(JSON.parse(withoutPackageMappings(full)));

  it("maps the workspace's code as the full map does", () => {
    const original = new SourceMap(JSON.parse(full));
    for (const [line, column] of [
      [0, 5],
      [3, 0],
      [4, 3],
      [4, 30],
    ] as const) {
      expect(sourceAt(cut, line, column)).toBe(sourceAt(original, line, column));
      expect(sourceAt(cut, line, column)).toMatch(/src\/main\.ts:\d+$/);
    }
  });

  it("maps a position inside a package to nothing, not to the workspace's line before it", () => {
    expect(sourceAt(cut, 1, 0)).toBeNull();
    expect(sourceAt(cut, 2, 40)).toBeNull();
    expect(sourceAt(cut, 4, 15)).toBeNull();
  });

  it("keeps one segment per run of package code, however long", () => {
    const segments = JSON.parse(withoutPackageMappings(full)).mappings.split(/[;,]/).filter(Boolean);
    expect(segments).toHaveLength(6);
  });
});
