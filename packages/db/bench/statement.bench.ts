// What one statement costs on the embedded database, apart from the work it asks for: `SELECT 1`
// straight to PGlite, and through Prisma (its driver adapter passes its own type parsers with every
// statement, which PGlite layered over its own until patched: see pnpm-workspace.yaml), and a
// typical one-row read through Prisma. On embedded PGlite this runs on the server's only thread, so
// it is paid by every request and every delivery. `pnpm --filter @handoff/db bench [statements]`.
import { loadavg } from "node:os";
import { createDatabase } from "../src/index.ts";
import { createTestAccount, createTestDataDir } from "../src/testing/index.ts";

const STATEMENTS = Number(process.argv[2] ?? 3_000);

async function msPerStatement(run: () => Promise<unknown>): Promise<number> {
  for (let index = 0; index < STATEMENTS / 10; index += 1) await run();
  const startedAt = performance.now();
  for (let index = 0; index < STATEMENTS; index += 1) await run();
  return (performance.now() - startedAt) / STATEMENTS;
}

const dataDir = await createTestDataDir();
const database = await createDatabase({ dataDir: dataDir.dataDir });
try {
  const { account } = await createTestAccount(database.prisma);
  const raw = await database.sql.withConnection((connection) =>
    msPerStatement(() => connection.query("SELECT 1")),
  );
  const viaPrisma = await msPerStatement(() => database.prisma.$queryRaw`SELECT 1`);
  const read = await msPerStatement(() =>
    database.prisma.account.findUnique({ where: { id: account.id }, select: { id: true, name: true } }),
  );
  const load = loadavg().map((each) => each.toFixed(1));
  console.log(`load average ${load.join(" / ")} (1 / 5 / 15 min)
one statement on embedded PGlite (a data dir), ${STATEMENTS} in a row, ms each:
  SELECT 1 straight to PGlite        ${raw.toFixed(3)}
  SELECT 1 through Prisma            ${viaPrisma.toFixed(3)}
  an account by id through Prisma    ${read.toFixed(3)}`);
} finally {
  await database.close();
  await dataDir.remove();
}
