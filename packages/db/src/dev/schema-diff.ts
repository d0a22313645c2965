// Development only (devDependencies): Prisma's own schema differ, the schema engine compiled to
// WASM, run over our driver adapter. Says what SQL would bring a database up to schema.prisma.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as engineBindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { Database } from "../create-database.ts";

export const defaultSchemaPath = fileURLToPath(new URL("../../../../prisma/schema.prisma", import.meta.url));

// @types/node 20 declares the WebAssembly types but not the global value.
type WasmApi = {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: object } }>;
};
const { WebAssembly: wasmApi } = globalThis as unknown as { WebAssembly: WasmApi };

let engineReady: Promise<void> | undefined;

// The package's own entry imports the .wasm file as an ES module, which Node cannot do, so the
// bindings are instantiated by hand.
async function loadEngine(): Promise<void> {
  const bindingsPath = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasm = await readFile(bindingsPath.replace(/\.js$/, ".wasm"));
  const { instance } = await wasmApi.instantiate(wasm, { "./schema_engine_bg.js": engineBindings });
  engineBindings.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
}

/**
 * The SQL migration that would make the database match the schema, or null when they already
 * match. Prisma's differ ignores _prisma_migrations and indexes it cannot express (partial ones).
 */
export async function diffDatabaseToSchema(
  database: Pick<Database, "adapter">,
  schemaPath: string = defaultSchemaPath,
): Promise<string | null> {
  engineReady ??= loadEngine();
  await engineReady;
  const files = [{ path: schemaPath, content: await readFile(schemaPath, "utf8") }];
  const engine = await engineBindings.SchemaEngine.new(
    { datamodels: files.map((file) => [file.path, file.content]) },
    () => undefined,
    bindMigrationAwareSqlAdapterFactory(database.adapter),
  );
  try {
    const result = await engine.diff({
      from: { tag: "schemaDatasource", files, configDir: dirname(schemaPath) },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: true,
      filters: { externalTables: [], externalEnums: [] },
    });
    // exitCode 2 means "the diff is not empty", as with `prisma migrate diff --exit-code`.
    return result.exitCode === 2 ? (result.stdout ?? "") : null;
  } finally {
    engine.free();
  }
}
