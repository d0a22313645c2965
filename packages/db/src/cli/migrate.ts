// `pnpm --filter @handoff/db migrate`: applies pending migrations to the configured database.
import { createDatabase } from "../create-database.ts";
import { migrate } from "../migrator.ts";
import { describeTarget, readCliConfig, runCli } from "./config.ts";

await runCli(async () => {
  const config = readCliConfig();
  const database = await createDatabase(config);
  try {
    const { applied } = await migrate(database);
    console.log(
      applied.length === 0
        ? `${describeTarget(config)} is up to date.`
        : `Applied ${applied.length} migration(s) to ${describeTarget(config)}: ${applied.join(", ")}`,
    );
  } finally {
    await database.close();
  }
});
