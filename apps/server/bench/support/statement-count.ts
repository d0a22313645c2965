// SQL statements and round trips per escalation and per claim, as the web app sends them (an
// escalation with its idempotency key, over HTTP, the sign-in check included): a server in this
// process over a throwaway PostgreSQL database, reached through a relay that counts what goes over
// the wire (pg-wire-counter.ts: BEGIN and COMMIT are statements and round trips like any other),
// with its job worker stopped so that only the requests' own statements count, not the jobs they queue.
import { randomUUID } from "node:crypto";
import { createDatabase, seedDemo } from "@handoff/db";
import { createTestDatabase } from "@handoff/db/testing";
import { createTestClient, login, startTestServer, WITHOUT_ASSESSMENTS } from "../../src/testing/index.ts";
import { startPgWireCounter } from "./pg-wire-counter.ts";
import { percentile } from "./stats.ts";

export type TRequestCounts = { statements: number; roundTrips: number };
export type TStatementCounts = { escalate: TRequestCounts; claim: TRequestCounts; sql?: string[][] };

/** `isListed`: also return each sample's SQL texts (escalate then claim), to see what runs. */
export async function countStatements(samples: number, isListed = false): Promise<TStatementCounts> {
  const created = await createTestDatabase("postgres");
  await seedDemo(created.prisma);
  await created.prisma.$disconnect();
  const relay = await startPgWireCounter(created.databaseUrl as string);
  const database = await createDatabase({ databaseUrl: relay.url });
  const server = await startTestServer({ database, ...WITHOUT_ASSESSMENTS });
  await server.deps.jobs.stop();
  const { counts } = relay;
  try {
    const engineer = createTestClient(server, { token: await login(server, "alice@acme.test") });
    const senior = createTestClient(server, { token: await login(server, "sam@acme.test") });
    /** What `request` ran: the server runs nothing else meanwhile. */
    const counted = async <T>(request: () => Promise<T>) => {
      const before = { ...counts, texts: counts.texts.length };
      const result = await request();
      return {
        result,
        statements: counts.statements - before.statements,
        roundTrips: counts.roundTrips - before.roundTrips,
        texts: counts.texts.slice(before.texts),
      };
    };
    const escalate: TRequestCounts[] = [];
    const claim: TRequestCounts[] = [];
    const sql: string[][] = [];
    for (let index = 0; index < samples; index += 1) {
      const session = await engineer.session.create({
        problemSummary: `Bench: statements ${index}`,
        problemDomain: "network",
      });
      const escalated = await counted(() =>
        engineer.handoff.escalate({ sessionId: session.id, priority: "high", idempotencyKey: randomUUID() }),
      );
      const claimed = await counted(() => senior.handoff.claim({ handoffId: escalated.result.id }));
      escalate.push(escalated);
      claim.push(claimed);
      if (isListed) sql.push(escalated.texts, claimed.texts);
    }
    const median = (requests: TRequestCounts[]) => ({
      statements: percentile(
        requests.map((request) => request.statements),
        50,
      ),
      roundTrips: percentile(
        requests.map((request) => request.roundTrips),
        50,
      ),
    });
    return { escalate: median(escalate), claim: median(claim), ...(isListed && { sql }) };
  } finally {
    await server.close();
    await database.close();
    await relay.close();
    await created.close();
  }
}
