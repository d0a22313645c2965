// Starts Handoff: config → database (migrated; demo data when embedded) → bus → job worker → server,
// and shuts it all down gracefully on SIGTERM/SIGINT.
import { checkPsaSecrets, createSecretBox, parseEscalationBusMessage, seedDemoHandoffs } from "@handoff/api";
import { createMemoryBus, createRedisBus } from "@handoff/bus";
import { createDatabase, type Database, DEMO_PASSWORD, migrate, seedDemo } from "@handoff/db";
import { createApiDeps, createLoginStore } from "./app-deps.ts";
import { ConfigError, loadConfigFromProcess, type TAppConfig } from "./config.ts";
import { createAppServer } from "./create-app-server.ts";
import { createLogger, type Logger } from "./logger.ts";
import { withTimeout } from "./with-timeout.ts";

function loadConfigOrExit(): TAppConfig {
  try {
    return loadConfigFromProcess();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/** Embedded mode is the demo/dev setup: show who can sign in. */
async function describeDemoLogins(database: Database): Promise<string> {
  const users = await database.prisma.user.findMany({
    where: { active: true, deletedAt: null },
    select: { email: true, role: true, isSeniorTech: true, account: { select: { name: true } } },
    orderBy: [{ account: { name: "asc" } }, { email: "asc" }],
    take: 20,
  });
  if (users.length === 0) return "";
  const lines = users.map(
    (user) =>
      `  ${user.email.padEnd(22)} ${user.role.toLowerCase().padEnd(9)} ${user.account.name}${user.isSeniorTech ? " (senior tech)" : ""}`,
  );
  return `\nDemo logins (password "${DEMO_PASSWORD}"):\n${lines.join("\n")}\n`;
}

async function main() {
  const config = loadConfigOrExit();
  const logger: Logger = createLogger(config.logLevel);
  const isEmbedded = config.databaseUrl === null;

  const database = await createDatabase(
    config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir },
  );
  const { applied } = await migrate(database);
  logger.info(
    { database: database.kind, applied },
    applied.length ? "migrations applied" : "database up to date",
  );
  // Stored PSA credentials are sealed under SECRETS_KEY: without it (or with another key) their
  // notes could never be sent, so say so now rather than fail every note later.
  const psaProblem = await checkPsaSecrets(
    database.prisma,
    config.psa.secretsKey ? createSecretBox(config.psa.secretsKey) : null,
  );
  if (psaProblem) {
    console.error(`Handoff cannot start: ${psaProblem}`);
    await database.close();
    process.exit(1);
  }
  const isDemoSeeded = isEmbedded && (await seedDemo(database.prisma)).seeded;

  // Messages are checked as they are read: another version of the app may have sent them.
  const onBusError = (error: unknown) => logger.warn({ err: error }, "bus error");
  const bus = config.redisUrl
    ? createRedisBus({ url: config.redisUrl, onError: onBusError, parse: parseEscalationBusMessage })
    : createMemoryBus({ onError: onBusError, parse: parseEscalationBusMessage });
  const loginStore = createLoginStore(config.redisUrl, logger);
  if (!config.loginProtection.deviceSecret && !isEmbedded) {
    logger.warn(
      "LOGIN_DEVICE_SECRET is unset: known devices are forgotten at restart and not shared by replicas",
    );
  }
  const deps = createApiDeps({ config, prisma: database.prisma, bus, logger, loginStore });
  // Jobs a previous run committed but never finished (a crash, a restart) resume here.
  deps.jobs.start();
  if (isDemoSeeded) {
    const handoffs = await seedDemoHandoffs(deps);
    logger.info({ handoffs }, "demo data seeded");
  }
  const server = createAppServer({ config, deps, logger });
  const url = await server.listen();
  logger.info(
    {
      url,
      appOrigin: config.appOrigin,
      database: database.kind,
      bus: config.redisUrl ? "redis" : "memory",
      email: config.email.resendApiKey ? "resend" : "log only",
      assistant: config.ai.model ? `${config.ai.model.provider}:${config.ai.model.model}` : "rules",
    },
    "listening",
  );
  const demoLogins = isEmbedded ? await describeDemoLogins(database) : "";
  console.log(`\nHandoff is running at ${url}\n${demoLogins}`);

  let isShuttingDown = false;
  async function shutdown(signal: NodeJS.Signals) {
    if (isShuttingDown) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    isShuttingDown = true;
    logger.info({ signal }, "shutting down");
    try {
      await server.close();
      // A job cut short here stays RUNNING until its lease ends, then runs again (handlers are idempotent).
      await withTimeout(deps.jobs.stop(), config.shutdownGraceMs, () => undefined);
      await bus.close();
      loginStore?.disconnect();
      await database.close();
      logger.info("shutdown complete");
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, "shutdown failed");
      process.exit(1);
    }
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error("Handoff failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
