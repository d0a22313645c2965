// Compiles the server for production: one ESM file for the server (dist/main.js) and one for the
// operator's CLI (dist/cli.js), with the workspace packages'
// TypeScript and their npm dependencies bundled in (one file to load makes a start about 0.4 s
// faster than resolving and loading hundreds of modules), except the few that read files beside
// their own (WebAssembly, native addons, worker scripts): those stay imports of their installed copy.
// dist/ sits as deep in the repo as src/, so paths taken relative to import.meta.url (the
// repository root, prisma/migrations) mean the same from the build.
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { withoutPackageMappings } from "./workspace-source-map.mjs";

const serverDir = fileURLToPath(new URL("..", import.meta.url));
const outdir = path.join(serverDir, "dist");

/** Packages (and their subpaths) that load files relative to themselves at run time. */
const LOADS_FILES_BESIDE_ITSELF = ["@electric-sql/pglite", "@prisma/client", "pino", "@node-rs/argon2"];

/**
 * pnpm gives each package only its own dependencies, so a bare import of one of those, made by a
 * bundled package, may not resolve from dist/. Each is resolved where it was written and imported by
 * its path relative to dist/ (still inside the repository, so the built tree can be copied as a whole).
 */
const installedDependencies = {
  name: "installed-dependencies",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
      const isLoadedBesideItself = LOADS_FILES_BESIDE_ITSELF.some(
        (name) => args.path === name || args.path.startsWith(`${name}/`),
      );
      if (args.pluginData?.isResolving || !isLoadedBesideItself) return undefined;
      const resolved = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: { isResolving: true },
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      if (resolved.external || !resolved.path.includes(`${path.sep}node_modules${path.sep}`)) return resolved;
      const relative = path.relative(outdir, resolved.path).split(path.sep).join("/");
      return { path: relative.startsWith(".") ? relative : `./${relative}`, external: true };
    });
  },
};

const started = performance.now();
const result = await build({
  // The operator's CLI too (dist/cli.js): `pnpm handoff` runs it from source, the tests that spawn it
  // many times run it built, as they run main.js.
  entryPoints: [path.join(serverDir, "src/main.ts"), path.join(serverDir, "src/cli.ts")],
  outdir,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  // Stack traces map to the sources in the repository; without their text the map is a third of the size
  // (and the packages' part of it goes when it is written, see workspace-source-map.mjs).
  sourcesContent: false,
  metafile: true,
  // Written below, each file whole at once: two builds at the same moment (two replicas' `pnpm
  // start`, two test suites) never leave a half-written file for a starting process to read.
  write: false,
  logLevel: "warning",
  plugins: [installedDependencies],
  // Bundled CommonJS packages call require() for Node's built-ins, which an ES module lacks.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
  },
});
await mkdir(outdir, { recursive: true });
let bytes = 0;
for (const file of result.outputFiles) {
  const partial = `${file.path}.${process.pid}.partial`;
  const contents = file.path.endsWith(".map")
    ? Buffer.from(withoutPackageMappings(file.text))
    : file.contents;
  await writeFile(partial, contents);
  await rename(partial, file.path);
  bytes += contents.byteLength;
}
console.log(
  `server built: ${Object.keys(result.metafile.outputs)
    .filter((file) => file.endsWith(".js"))
    .join(
      ", ",
    )} (${(bytes / 1024).toFixed(0)} kB with their maps) in ${Math.round(performance.now() - started)} ms`,
);
