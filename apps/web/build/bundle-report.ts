// A Vite plugin for the production build: prints the JavaScript the browser downloads (raw and
// gzip, per chunk and in total) and the initial JavaScript (the entry and what it imports
// statically: what every first load fetches before the page shows), and fails the build when that
// is over its budget or a module that must stay on the server side (zod, the API's schemas) made
// it into the bundle.
import { gzipSync } from "node:zlib";
import type { Plugin } from "vite";

/** Module ids that must never reach the browser: the boundary biome.json enforces on imports. */
const SERVER_ONLY = [
  /[\\/]node_modules[\\/]zod[\\/]/,
  /[\\/]packages[\\/]api[\\/]src[\\/]schemas[\\/](inputs|enums)\.ts$/,
];

/**
 * Gzipped bytes of initial JavaScript the first load of any page may fetch. The goal is 100 kB
 * (issue 28), but the libraries the queue needs are 94 kB of today's 110.2 on their own (each
 * one's share of the initial gzip, read from the source maps: React DOM with React and its
 * scheduler 64.9, TanStack Query 11.9, tRPC's client, React bindings and shared code 11.9,
 * superjson 3.3, wouter 1.4), the queue's own code (the page, the live stream, the frame) is
 * about 15, and every screen but the queue is already lazy, the login page and the 404 page
 * included. Until one of those libraries goes, the budget sits just above today's figure, so that
 * a screen which should be lazy and is not fails the build.
 */
const INITIAL_GZIP_BUDGET = 111 * 1024;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

type TChunk = { fileName: string; code: string; isEntry: boolean; imports: string[] };

/** The entry chunks and every chunk they import statically, transitively. */
function initialChunks(chunks: TChunk[]): TChunk[] {
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const initial = new Set<TChunk>();
  const visit = (chunk: TChunk | undefined) => {
    if (!chunk || initial.has(chunk)) return;
    initial.add(chunk);
    for (const name of chunk.imports) visit(byName.get(name));
  };
  for (const chunk of chunks) if (chunk.isEntry) visit(chunk);
  return [...initial];
}

export function bundleReport(): Plugin {
  return {
    name: "handoff-bundle-report",
    apply: "build",
    // Once written: Vite fills in the lists of what each dynamic import preloads after every
    // plugin's generateBundle, and those lists are part of what the browser downloads.
    writeBundle(_options, bundle) {
      const chunks = Object.values(bundle).flatMap((output) => (output.type === "chunk" ? [output] : []));
      const leaked = chunks.flatMap((chunk) =>
        chunk.moduleIds.filter((id) => SERVER_ONLY.some((rule) => rule.test(id))),
      );
      if (leaked.length > 0) {
        this.error(
          `Server-side modules in the browser bundle (import them as types, or from @handoff/api/client-contract):\n  ${leaked.join("\n  ")}`,
        );
      }
      const gzipOf = new Map(chunks.map((chunk) => [chunk, gzipSync(chunk.code).length]));
      const sum = (of: TChunk[], size: (chunk: TChunk) => number) =>
        of.reduce((total, chunk) => total + size(chunk), 0);
      const rawSize = (chunk: TChunk) => Buffer.byteLength(chunk.code);
      const gzipSize = (chunk: TChunk) => gzipOf.get(chunk as (typeof chunks)[number]) ?? 0;
      const line = (name: string, raw: number, gzip: number) =>
        `  ${name.padEnd(44)} ${kb(raw).padStart(10)}  gzip ${kb(gzip).padStart(9)}`;
      // What the server sends a browser that takes brotli: the compression plugin's .br copy.
      const brotliSize = (chunk: TChunk) => {
        const copy = bundle[`${chunk.fileName}.br`];
        if (copy?.type !== "asset") return rawSize(chunk);
        return typeof copy.source === "string" ? Buffer.byteLength(copy.source) : copy.source.byteLength;
      };
      const initial = initialChunks(chunks);
      const initialGzip = sum(initial, gzipSize);
      console.log(
        [
          "\nweb bundle (JavaScript, no zod):",
          ...chunks.map((chunk) => line(chunk.fileName, rawSize(chunk), gzipSize(chunk))),
          line("total", sum(chunks, rawSize), sum(chunks, gzipSize)),
          line(
            `initial (${initial.map((chunk) => chunk.fileName).join(", ")})`.slice(0, 44),
            sum(initial, rawSize),
            initialGzip,
          ),
          `  initial, as sent to a browser that takes brotli (the build's .br files): ${kb(sum(initial, brotliSize))}`,
          `  initial JavaScript budget: gzip ${kb(INITIAL_GZIP_BUDGET)}\n`,
        ].join("\n"),
      );
      if (initialGzip > INITIAL_GZIP_BUDGET) {
        this.error(
          `The initial JavaScript is ${kb(initialGzip)} gzip, over its budget of ${kb(INITIAL_GZIP_BUDGET)}: load the screens a first load does not need with lazyPage (src/lib/lazy-page.ts)`,
        );
      }
    },
  };
}
