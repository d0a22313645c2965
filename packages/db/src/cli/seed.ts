// `pnpm --filter @handoff/db seed`: migrates, then seeds the demo tenants into an empty database
// and prints the logins. PostgreSQL only with --allow-postgres: demo passwords are for demos.
import { createDatabase } from "../create-database.ts";
import { migrate } from "../migrator.ts";
import { seedDemo } from "../seed.ts";
import { describeTarget, readCliConfig, runCli } from "./config.ts";

await runCli(async () => {
  const config = readCliConfig();
  if (config.databaseUrl && !process.argv.includes("--allow-postgres")) {
    throw new Error(
      "Refusing to put demo logins (password 'demo') into PostgreSQL; pass --allow-postgres to do it anyway.",
    );
  }
  const database = await createDatabase(config);
  try {
    await migrate(database);
    const { seeded, logins } = await seedDemo(database.prisma);
    if (!seeded) {
      console.log(`${describeTarget(config)} already has data; nothing seeded.`);
      return;
    }
    console.log(`Seeded demo data into ${describeTarget(config)}. Logins (password "demo"):`);
    console.table(
      logins.map(({ email, role, isSeniorTech, accountName }) => ({
        email,
        role,
        isSeniorTech,
        accountName,
      })),
    );
  } finally {
    await database.close();
  }
});
