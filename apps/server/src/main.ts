// Starts Handoff: config → database (migrated; demo data when embedded) → bus → mailer → server,
// and shuts it all down gracefully on SIGTERM/SIGINT.
import { seedDemoHandoffs, type TEscalationBusMessage } from "@handoff/api";
import { createMemoryBus, createRedisBus } from "@handoff/bus";
import { createDatabase, type Database, DEMO_PASSWORD, migrate, seedDemo } from "@handoff/db";
import { createApiDeps, createLoginStore } from "./app-deps.ts";
import { ConfigError, loadConfigFromProcess, type TAppConfig } from "./config.ts";
import { createAppServer } from "./create-app-server.ts";
import { createLogger, type Logger } from "./logger.ts";

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

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return Promise.race([promise, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
}

/** Retries finish within seconds; a delivery still PENDING this long after its last attempt was cut off. */
const ABANDONED_DELIVERY_AGE_MS = 10 * 60_000;

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
  const isDemoSeeded = isEmbedded && (await seedDemo(database.prisma)).seeded;

  const bus = config.redisUrl
    ? createRedisBus<TEscalationBusMessage>({
        url: config.redisUrl,
        onError: (error) => logger.warn({ err: error }, "redis bus error"),
      })
    : createMemoryBus<TEscalationBusMessage>();
  const loginStore = createLoginStore(config.redisUrl, logger);
  if (!config.loginProtection.deviceSecret && !isEmbedded) {
    logger.warn(
      "LOGIN_DEVICE_SECRET is unset: known devices are forgotten at restart and not shared by replicas",
    );
  }
  const deps = createApiDeps({ config, prisma: database.prisma, bus, logger, loginStore });
  const closeAbandonedDeliveries = async () => {
    const abandoned = await deps.notifier.failAbandoned(ABANDONED_DELIVERY_AGE_MS).catch((error: unknown) => {
      logger.warn({ err: error }, "could not close abandoned email deliveries");
      return 0;
    });
    if (abandoned > 0)
      logger.warn({ abandoned }, "closed email deliveries that a stopped run left unfinished");
  };
  await closeAbandonedDeliveries();
  // Also later: a run that crashed moments before this one started left deliveries too young to judge yet.
  const abandonedSweep = setInterval(closeAbandonedDeliveries, ABANDONED_DELIVERY_AGE_MS / 2);
  abandonedSweep.unref();
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
      clearInterval(abandonedSweep);
      await server.close();
      await withTimeout(deps.notifier.idle(), config.shutdownGraceMs);
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
