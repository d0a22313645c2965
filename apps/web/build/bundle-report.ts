// A Vite plugin for the production build: prints the JavaScript the browser downloads (raw and
// gzip, per chunk and in total) and fails the build when a module that must stay on the server
// side (zod, the API's schemas) made it into the bundle.
import { gzipSync } from "node:zlib";
import type { Plugin } from "vite";

/** Module ids that must never reach the browser: the boundary biome.json enforces on imports. */
const SERVER_ONLY = [
  /[\\/]node_modules[\\/]zod[\\/]/,
  /[\\/]packages[\\/]api[\\/]src[\\/]schemas[\\/](inputs|enums)\.ts$/,
];

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

export function bundleReport(): Plugin {
  return {
    name: "handoff-bundle-report",
    apply: "build",
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).flatMap((output) => (output.type === "chunk" ? [output] : []));
      const leaked = chunks.flatMap((chunk) =>
        chunk.moduleIds.filter((id) => SERVER_ONLY.some((rule) => rule.test(id))),
      );
      if (leaked.length > 0) {
        this.error(
          `Server-side modules in the browser bundle (import them as types, or from @handoff/api/helpers):\n  ${leaked.join("\n  ")}`,
        );
      }
      let raw = 0;
      let gzip = 0;
      const lines = chunks.map((chunk) => {
        const size = Buffer.byteLength(chunk.code);
        const zipped = gzipSync(chunk.code).length;
        raw += size;
        gzip += zipped;
        return `  ${chunk.fileName.padEnd(36)} ${kb(size).padStart(10)}  gzip ${kb(zipped).padStart(9)}`;
      });
      console.log(
        `\nweb bundle (JavaScript, no zod):\n${lines.join("\n")}\n  ${"total".padEnd(36)} ${kb(raw).padStart(10)}  gzip ${kb(gzip).padStart(9)}\n`,
      );
    },
  };
}
