// Starts Handoff: config → database (migrated; demo data when embedded, unless DEMO=false) → bus →
// job worker → server, and shuts it all down gracefully on SIGTERM/SIGINT. An instance with no
// account yet prints a setup code for the first-run page.
import {
  checkPsaSecrets,
  createSecretBox,
  issueSetupCode,
  parseEscalationBusMessage,
  scheduleRetention,
  seedDemoHandoffs,
} from "@handoff/api";
import { createMemoryBus, createRedisBus } from "@handoff/bus";
import { createDatabase, type Database, DEMO_PASSWORD, migrate, seedDemo } from "@handoff/db";
import { createApiDeps, createLoginStore } from "./app-deps.ts";
import { ConfigError, loadConfigFromProcess, type TAppConfig } from "./config.ts";
import { createAppServer } from "./create-app-server.ts";
import { createLogger, type Logger } from "./logger.ts";
import { serverMetricsFor } from "./metrics/server-metrics.ts";
import { withTimeout } from "./with-timeout.ts";

const RETENTION_AFTER_START_MS = 10 * 60_000;

function loadConfigOrExit(): TAppConfig {
  try {
    return loadConfigFromProcess();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/** The demo setup: show who can sign in. */
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

/** What the operator of an empty instance reads in the log; tests read the code from the same line. */
function describeSetup(appOrigin: string, setupCode: string): string {
  return [
    "No account exists yet. Create the first one (its owner) at",
    `  ${appOrigin}/setup`,
    `Setup code: ${setupCode}`,
    "(or from the command line: pnpm handoff setup --account <name> --email <email> --name <name>)",
    "",
  ].join("\n");
}

/**
 * With source maps on (`pnpm start`, the image), the first error stack anything formats parses the
 * bundle's map (0.04-0.07 s of a core here; the build maps only the workspace's code, see
 * scripts/build.mjs): a stall for every request and stream of the replica, wherever it lands (a
 * client's malformed WebSocket frame, a logged error). Taken as traffic starts instead.
 */
function warmSourceMap(logger: Logger): void {
  const startedAt = performance.now();
  void new Error("source map warm-up").stack;
  logger.debug({ durationMs: Math.round(performance.now() - startedAt) }, "source map warmed up");
}

async function main() {
  const config = loadConfigOrExit();
  const logger: Logger = createLogger(config.logLevel, config.logFormat);
  const isEmbedded = config.databaseUrl === null;

  const metrics = serverMetricsFor(config);
  const database = await createDatabase({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir }),
    usePreparedStatements: config.usePreparedStatements,
    poolSize: config.poolSize,
    onQuery: metrics?.queryTimed,
  });
  metrics?.watchJobQueue(database.prisma);
  metrics?.watchDatabasePool(database);
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
  const isDemoSeeded = config.isDemo && (await seedDemo(database.prisma)).seeded;
  const setupCode = await issueSetupCode(database.prisma);

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
  const deps = createApiDeps({
    config,
    prisma: database.prisma,
    databaseKind: database.kind,
    bus,
    logger,
    loginStore,
    metrics: metrics?.api,
  });
  // Jobs a previous run committed but never finished (a crash, a restart) resume here.
  deps.jobs.start();
  // Today's prune, unless another replica or an earlier start planned it (each prune plans the next),
  // a while after start: a restart's reconnect storm has the process to itself.
  await scheduleRetention(database.prisma, new Date(Date.now() + RETENTION_AFTER_START_MS));
  if (isDemoSeeded) {
    const handoffs = await seedDemoHandoffs(deps);
    logger.info({ handoffs }, "demo data seeded");
  }
  const server = createAppServer({ config, deps, database, logger, metrics: metrics ?? undefined });
  const url = await server.listen();
  logger.info(
    {
      url,
      streamUrl: server.streamUrl ?? "off",
      appOrigin: config.appOrigin,
      database: database.kind,
      bus: config.redisUrl ? "redis" : "memory",
      email: config.email.resendApiKey ? "resend" : "log only",
      assistant: config.ai.model ? `${config.ai.model.provider}:${config.ai.model.model}` : "rules",
      metrics: server.metricsUrl ?? (config.metrics.token ? `${url}/metrics (bearer token)` : "off"),
    },
    "listening",
  );
  const demoLogins = config.isDemo ? await describeDemoLogins(database) : "";
  // One write: whoever waits for "Handoff is running" in this output has the setup code with it.
  const setup = setupCode ? `\n${describeSetup(config.appOrigin, setupCode)}` : "";
  console.log(`\nHandoff is running at ${url}\n${demoLogins}${setup}`);
  setImmediate(warmSourceMap, logger);

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
