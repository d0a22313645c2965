// Session search over 10,000 sessions on embedded PGlite, through the real server and @trpc/client
// (`session.list` with `search`, first page of 25): prints p50/p95 per kind of query. Target: p95 ≤ 50 ms.
// Then `session.similar` (the 5 closest resolved sessions) for sessions of a few problems, and what
// rebuilding one session's search text and vector costs (the triggers do it once per change, e.g.
// once per escalation).
// `pnpm --filter @handoff/server bench:search [sessions] [--explain]` (default 10000); --explain
// prints the word-search plan of each query (EXPLAIN ANALYZE) first; a search that is exactly an
// existing ticket id is answered from the ticket index instead.

import { sessionListSql } from "@handoff/api";
import { Prisma } from "@handoff/db";
import { createTestAccount, createTestDatabase } from "@handoff/db/testing";
import { createTestClient, login, startTestServer } from "../src/testing/index.ts";
import { describeIndexMaintenance, measureIndexMaintenance } from "./support/search-index-maintenance.ts";

const args = process.argv.slice(2);
const SESSION_COUNT = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 10_000);
const isExplaining = args.includes("--explain");
const RUNS_PER_QUERY = 60;
const TARGET_P95_MS = 50;

const PROBLEMS = [
  "Outlook keeps asking for credentials",
  "VPN drops every few minutes",
  "Printer queue stuck",
  "Shared mailbox missing",
  "Teams calls drop after 30 s",
  "OneDrive sync stuck on processing changes",
  "BitLocker recovery key prompt after BIOS update",
  "DNS resolution slow on the branch network",
  "Intune enrolment fails with 0x80180014",
  "File share access denied after password reset",
];
const DOMAINS = ["Microsoft 365", "Network / VPN", "Printing", "Endpoint", "Active Directory", "Security"];
const CLIENTS = [
  "Harbor Dental",
  "Pine Valley Law",
  "Northwind Traders",
  "Contoso Clinic",
  "Fabrikam Freight",
];
const NOTES = [
  "Rebuilt the profile, no change.",
  "Checked the firewall logs for drops on UDP 4500.",
  "User confirmed the issue started after Patch Tuesday.",
  "Cleared cached credentials in Credential Manager.",
  "Rolled back the driver to the previous version.",
];

const pick = <T>(list: readonly T[], index: number) => list[index % list.length] as T;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** session.similar for one open session of each of a few problems: p50/p95 over all of them. */
async function benchSimilar(client: ReturnType<typeof createTestClient>, accountId: string) {
  const targets = await Promise.all(
    PROBLEMS.slice(0, 5).map((problem) =>
      database.prisma.session.findFirstOrThrow({
        where: { accountId, status: "ACTIVE", problemSummary: { startsWith: problem } },
        select: { id: true },
      }),
    ),
  );
  for (const { id } of targets) await client.session.similar({ sessionId: id });
  const samples: number[] = [];
  for (let run = 0; run < RUNS_PER_QUERY; run += 1) {
    for (const { id } of targets) {
      const startedAt = performance.now();
      await client.session.similar({ sessionId: id, limit: 5 });
      samples.push(performance.now() - startedAt);
    }
  }
  const sorted = samples.sort((a, b) => a - b);
  console.log(
    `
session.similar over ${SESSION_COUNT} sessions (5 best resolved matches, ${targets.length} problems, real server):  p50 ${percentile(sorted, 50).toFixed(1)} ms  p95 ${percentile(sorted, 95).toFixed(1)} ms`,
  );
}

async function benchIndexMaintenance(accountId: string) {
  const sessions = await database.prisma.session.findMany({
    where: { accountId },
    select: { id: true },
    take: 200,
  });
  const figures = await measureIndexMaintenance(
    database.prisma,
    sessions.map(({ id }) => id),
  );
  console.log(describeIndexMaintenance("one session with 2 entries", figures));
}

const database = await createTestDatabase("pglite");
const server = await startTestServer({ database });
try {
  const account = await createTestAccount(database.prisma);
  const owners = [account.engineer, account.senior, account.admin, account.owner];
  const seedStartedAt = performance.now();
  const CHUNK = 1_000;
  for (let start = 0; start < SESSION_COUNT; start += CHUNK) {
    const sessions = Array.from({ length: Math.min(CHUNK, SESSION_COUNT - start) }, (_, offset) => {
      const index = start + offset;
      return {
        accountId: account.account.id,
        ownerId: pick(owners, index).id,
        teamId: account.team.id,
        problemSummary: `${pick(PROBLEMS, index)} at ${pick(CLIENTS, Math.floor(index / 7))}`,
        problemDomain: pick(DOMAINS, index),
        psaTicketId: `CW-${40_000 + index}`,
        status: pick(["ACTIVE", "PAUSED", "ESCALATED", "RESOLVED"] as const, Math.floor(index / 3)),
        stepCount: index % 9,
        updatedAt: new Date(Date.now() - index * 60_000),
      };
    });
    const created = await database.prisma.session.createManyAndReturn({
      data: sessions,
      select: { id: true },
    });
    await database.prisma.sessionMessage.createMany({
      data: created.flatMap(({ id }, offset) => [
        { sessionId: id, authorId: account.engineer.id, body: pick(NOTES, start + offset) },
        { sessionId: id, authorId: account.senior.id, body: pick(NOTES, start + offset + 2), kind: "STEP" },
      ]),
    });
  }
  await database.prisma.$executeRawUnsafe("ANALYZE");
  console.log(
    `seeded ${SESSION_COUNT} sessions (${SESSION_COUNT * 2} notes and steps) in ${((performance.now() - seedStartedAt) / 1000).toFixed(1)} s`,
  );

  const client = createTestClient(server, { token: await login(server, account.engineer.email) });
  const QUERIES: [string, string][] = [
    ["a common word", "outlook"],
    ["two words", "vpn pine"],
    ["a ticket id", `CW-${40_000 + Math.floor(SESSION_COUNT / 2)}`],
    ["an owner's name", account.senior.name.split(" ")[0] ?? "Sid"],
    ["a word from the notes", "credential manager"],
    ["a short prefix", "bi"],
    ["no match", "kubernetes"],
  ];
  for (const [, search] of QUERIES) await client.session.list({ scope: "account", search });
  if (isExplaining) {
    const viewer = { id: account.engineer.id, accountId: account.account.id, team: account.team };
    for (const [label, search] of QUERIES) {
      const sql = sessionListSql(viewer, { scope: "account", search, limit: 25 });
      const plan = await database.prisma.$queryRaw<{ "QUERY PLAN": string }[]>(
        Prisma.sql`EXPLAIN (ANALYZE, COSTS OFF) ${sql}`,
      );
      console.log(
        `\n${label} (${JSON.stringify(search)}):\n${plan.map((row) => row["QUERY PLAN"]).join("\n")}`,
      );
    }
  }

  const all: number[] = [];
  console.log(`\nsession.list search over ${SESSION_COUNT} sessions (first page of 25, real server):`);
  for (const [label, search] of QUERIES) {
    const samples: number[] = [];
    let found = 0;
    for (let run = 0; run < RUNS_PER_QUERY; run += 1) {
      const startedAt = performance.now();
      const page = await client.session.list({ scope: "account", search, limit: 25 });
      samples.push(performance.now() - startedAt);
      found = page.items.length;
    }
    all.push(...samples);
    const sorted = samples.sort((a, b) => a - b);
    console.log(
      `  ${label.padEnd(24)} ${JSON.stringify(search).padEnd(22)} ${String(found).padStart(3)} rows  p50 ${percentile(sorted, 50).toFixed(1).padStart(6)} ms  p95 ${percentile(sorted, 95).toFixed(1).padStart(6)} ms`,
    );
  }
  const sorted = all.sort((a, b) => a - b);
  const p95 = percentile(sorted, 95);
  console.log(
    `  ${"all queries".padEnd(47)}        p50 ${percentile(sorted, 50).toFixed(1).padStart(6)} ms  p95 ${p95.toFixed(1).padStart(6)} ms  (target p95 ≤ ${TARGET_P95_MS} ms: ${p95 <= TARGET_P95_MS ? "met" : "MISSED"})`,
  );
  await benchSimilar(client, account.account.id);
  await benchIndexMaintenance(account.account.id);
  await client.close();
} finally {
  await server.close();
  await database.close();
}
