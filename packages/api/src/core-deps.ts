// What any service may be handed: the database, the bus, the job worker, the log, the clock and the
// assistant. A service asks for the few it uses (`Pick<CoreDeps, "prisma" | "bus">`) plus its own
// settings, and never for ApiDeps, which context.ts composes from these.
import type { Bus } from "@handoff/bus";
import type { PrismaClient } from "@handoff/db";
import type { TApiMetrics } from "./domain/api-metrics.ts";
import type { TBusMessage } from "./domain/bus-message.ts";
import type { Clock } from "./domain/clock.ts";
import type { Logger } from "./domain/logger.ts";
import type { TAssistant } from "./services/assistant/language-model.ts";
import type { JobWorker } from "./services/jobs/job-worker.ts";

export type CoreDeps = {
  prisma: PrismaClient;
  bus: Bus<TBusMessage>;
  /** Runs durable background work; services enqueue in their transaction, then kick it. */
  jobs: JobWorker;
  logger: Logger;
  /** Writes assessments and briefings (jobs): the configured language model, or rules. */
  assistant: TAssistant;
  /** The time policy timers, due times and claims read: the system clock except in tests. */
  clock: Clock;
  /** Counts what happened for the server's /metrics; absent: nothing is counted. */
  metrics?: TApiMetrics;
};
