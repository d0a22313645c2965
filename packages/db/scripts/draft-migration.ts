// Drafts the next migration: applies prisma/migrations to a scratch in-memory PGlite, asks
// Prisma's own differ (WASM) what SQL brings it to schema.prisma, and prints it. With a name,
// also writes prisma/migrations/<timestamp>_<name>/migration.sql for you to review.
//   pnpm --filter @handoff/db draft-migration [name]
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createDatabase } from "../src/create-database.ts";
import { diffDatabaseToSchema } from "../src/dev/schema-diff.ts";
import { defaultMigrationsDir, migrate } from "../src/migrator.ts";

const name = process.argv[2];
if (name !== undefined && !/^[a-z0-9_]+$/.test(name)) {
  console.error(`Migration name "${name}" must be snake_case (a-z, 0-9, _).`);
  process.exit(1);
}

const scratch = await createDatabase({ dataDir: "memory://" });
let sql: string | null;
try {
  await migrate(scratch);
  sql = await diffDatabaseToSchema(scratch);
} finally {
  await scratch.close();
}

if (sql === null) {
  console.log("prisma/migrations already matches schema.prisma; no migration needed.");
} else if (name === undefined) {
  process.stdout.write(sql);
} else {
  const timestamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = join(defaultMigrationsDir, `${timestamp}_${name}`);
  await mkdir(dir);
  await writeFile(join(dir, "migration.sql"), sql);
  console.log(`Wrote ${join(dir, "migration.sql")}; review it before committing.`);
}
