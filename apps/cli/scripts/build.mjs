// Builds the CLI into one runnable file, dist/handoff.mjs, with @trpc/client, ws and superjson
// bundled in. It takes only AppRouter's type and the zod-free client contract from the server side: the
// build refuses to finish if any server code (the API's services, the database, the bus, tRPC's
// server, zod) found its way into the bundle. dist/meta.json lists what went in.
import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { serverModulesIn } from "./bundle-boundary.mjs";

const cliDir = fileURLToPath(new URL("..", import.meta.url));
const outfile = path.join(cliDir, "dist/handoff.mjs");

const result = await build({
  entryPoints: [path.join(cliDir, "src/main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  banner: {
    // ws and superjson are CommonJS: give the ESM bundle a require for their own requires.
    js: "#!/usr/bin/env node\nimport { createRequire as __cliRequire } from 'node:module';\nconst require = __cliRequire(import.meta.url);",
  },
  // ws's optional native speed-ups: it runs without them.
  external: ["bufferutil", "utf-8-validate"],
  metafile: true,
  logLevel: "warning",
});

const inputs = Object.keys(result.metafile.inputs);
const leaked = serverModulesIn(inputs);
if (leaked.length > 0) {
  console.error(`The CLI bundle must hold no server code, but it has:\n  ${leaked.join("\n  ")}`);
  process.exit(1);
}
await chmod(outfile, 0o755);
await writeFile(path.join(cliDir, "dist/meta.json"), JSON.stringify({ inputs }, null, 2));
console.log(`built ${path.relative(process.cwd(), outfile)} from ${inputs.length} modules`);
