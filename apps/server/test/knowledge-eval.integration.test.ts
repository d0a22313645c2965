// The knowledge bench's harness (bench/knowledge-eval): its precision@k and recall@k on hand-worked
// rankings, the committed evaluation set (as generated, labelled, large enough), a malformed set
// refused, and a small evaluation run end to end on PGlite through the real server. The bench's
// goals (≥ 0.8) are not asserted here: they are figures the bench prints.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_EVAL_SET,
  readEvalSet,
  type TEvalSet,
  trueMatches,
} from "../bench/knowledge-eval/eval-set.ts";
import { formatEvalSet, generateEvalSet } from "../bench/knowledge-eval/generate.ts";
import { evaluate, idOf, loadEvalSet } from "../bench/knowledge-eval/harness.ts";
import { scoreQuery, scoreRankings } from "../bench/knowledge-eval/metrics.ts";
import {
  createTestClient,
  login,
  startTestServer,
  type TestServer,
  WITHOUT_ASSESSMENTS,
} from "../src/testing/index.ts";

describe("precision@k and recall@k", () => {
  const ranking = (query: string, shown: string[], relevant: string[]) => ({
    query,
    shown,
    relevant: new Set(relevant),
  });

  it("scores one query: right among shown, and true matches found out of min(k, how many)", () => {
    expect(scoreQuery(ranking("q", ["a1", "b1", "a2"], ["a1", "a2", "a3", "a4"]), 3)).toEqual({
      query: "q",
      hits: 2,
      precision: 2 / 3,
      recall: 2 / 3,
    });
    // Only the first k count; one true match of one shown is perfect.
    expect(scoreQuery(ranking("q", ["b1", "b2", "b3", "a1"], ["a1"]), 3)).toMatchObject({
      hits: 0,
      precision: 0,
      recall: 0,
    });
    expect(scoreQuery(ranking("q", ["a1"], ["a1"]), 3)).toMatchObject({ precision: 1, recall: 1 });
    // Fewer shown than k: precision over what is shown, recall over min(k, 2).
    expect(scoreQuery(ranking("q", ["c1"], ["c1", "c2"]), 3)).toMatchObject({ precision: 1, recall: 1 / 2 });
  });

  it("counts showing nothing as right only when nothing is relevant, and leaves such queries out of recall", () => {
    expect(scoreQuery(ranking("novel", [], []), 3)).toMatchObject({ precision: 1, recall: null });
    expect(scoreQuery(ranking("novel", ["x"], []), 3)).toMatchObject({ precision: 0, recall: null });
    expect(scoreQuery(ranking("missed", [], ["d1"]), 3)).toMatchObject({ precision: 0, recall: 0 });
  });

  it("averages over queries: precision over all, recall over those with a true match", () => {
    const score = scoreRankings(
      [
        ranking("q1", ["a1", "b1", "a2"], ["a1", "a2", "a3", "a4"]),
        ranking("q2", ["c1"], ["c1", "c2"]),
        ranking("q3", [], []),
        ranking("q4", [], ["d1"]),
        ranking("q5", ["x"], []),
      ],
      3,
    );
    expect(score.precision).toBeCloseTo((2 / 3 + 1 + 1 + 0 + 0) / 5, 10);
    expect(score.recall).toBeCloseTo((2 / 3 + 1 / 2 + 0) / 3, 10);
    expect(score).toMatchObject({ k: 3, queries: 5, recallQueries: 3 });
    expect(() => scoreRankings([], 3)).toThrow("no queries");
  });
});

const TINY_SET: TEvalSet = {
  description: "two causes of one symptom, and a problem never seen",
  resolved: [
    ...["phone", "handset", "mobile"].map((word, index) => ({
      key: `mfa#${index}`,
      cause: "mfa",
      family: "prompt",
      domain: "Microsoft 365",
      summary: `Outlook password prompt after a new ${word}`,
      notes: ["Authenticator still registered on the old phone"],
      steps: ["Cleared Credential Manager"],
      deadEnds: [{ label: "Recreate the profile", outcome: "Still prompted" }],
      fix: { label: "Reset the MFA registration", outcome: "Prompts stopped" },
      resolution: "Stale MFA registration.",
      resolvedDaysAgo: 10 + index,
    })),
    ...["Friday", "Monday"].map((day, index) => ({
      key: `licence#${index}`,
      cause: "licence",
      family: "prompt",
      domain: "Microsoft 365",
      summary: `Outlook password prompt since ${day}`,
      notes: ["Business Premium licence removed in the clean-up"],
      steps: ["Cleared Credential Manager"],
      deadEnds: [],
      fix: { label: "Reassign the licence", outcome: "Mailbox back" },
      resolution: "Licence had been removed.",
      resolvedDaysAgo: 20 + index,
    })),
  ],
  queries: [
    {
      key: "mfa?",
      cause: "mfa",
      family: "prompt",
      domain: "Microsoft 365",
      summary: "Outlook keeps prompting for the password",
      notes: ["User replaced the phone; Authenticator still on the old one"],
      steps: [],
      deadEnds: [],
    },
    {
      key: "novel?",
      cause: "ups",
      family: "ups",
      domain: "Facilities",
      summary: "UPS beeping in the comms cupboard",
      notes: ["Battery self-test failed"],
      steps: [],
      deadEnds: [],
    },
  ],
};

describe("the evaluation set", () => {
  it("is the generator's output, labelled, with 300+ resolved tickets across the demo domains", async () => {
    const committed = await readFile(DEFAULT_EVAL_SET, "utf8");
    expect(committed).toBe(formatEvalSet(generateEvalSet()));
    const set = await readEvalSet(DEFAULT_EVAL_SET);
    expect(set.resolved.length).toBeGreaterThanOrEqual(300);
    expect(new Set(set.resolved.map((ticket) => ticket.domain))).toEqual(
      new Set(["Microsoft 365", "Network / VPN", "Printing", "Endpoint", "Active Directory", "Security"]),
    );
    // Every family of near-misses has several causes, each a group of true duplicates.
    const causesByFamily = new Map<string, Set<string>>();
    for (const ticket of set.resolved) {
      causesByFamily.set(ticket.family, (causesByFamily.get(ticket.family) ?? new Set()).add(ticket.cause));
    }
    for (const causes of causesByFamily.values()) expect(causes.size).toBeGreaterThanOrEqual(2);
    const matches = trueMatches(set);
    for (const query of set.queries) {
      for (const key of matches.get(query.key) ?? []) {
        expect(set.resolved.find((ticket) => ticket.key === key)?.cause).toBe(query.cause);
      }
    }
  });

  it("refuses a malformed set, saying which file and what is wrong", async () => {
    const folder = await mkdtemp(join(tmpdir(), "knowledge-eval-"));
    try {
      const path = join(folder, "set.json");
      await writeFile(path, JSON.stringify({ ...TINY_SET, queries: [{ key: "q" }] }));
      await expect(readEvalSet(path)).rejects.toThrow(
        /set\.json is not a knowledge evaluation set:.*queries/s,
      );
      await writeFile(
        path,
        JSON.stringify({ ...TINY_SET, queries: [...TINY_SET.queries, TINY_SET.queries[0]] }),
      );
      await expect(readEvalSet(path)).rejects.toThrow("duplicate key mfa?");
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe("a small evaluation run on PGlite through the real server", () => {
  let database: Database;
  let server: TestServer;

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    server = await startTestServer({ database, ...WITHOUT_ASSESSMENTS });
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it("loads the set, asks session.similar for each query, and scores its answers as labelled", async () => {
    const account = await createTestAccount(database.prisma);
    const client = createTestClient(server, { token: await login(server, account.engineer.email) });
    const owner = { accountId: account.account.id, teamId: account.team.id, userId: account.engineer.id };
    const loaded = await loadEvalSet(database.prisma, owner, TINY_SET);

    const resolved = await database.prisma.session.findUniqueOrThrow({
      where: { id: idOf(loaded, "mfa#0") },
      include: { branches: true, messages: true },
    });
    expect(resolved).toMatchObject({ status: "RESOLVED", resolution: "Stale MFA registration." });
    expect(resolved.branches.map((branch) => [branch.label, branch.status]).sort()).toEqual([
      ["Recreate the profile", "DEAD_END"],
      ["Reset the MFA registration", "RESOLVED"],
    ]);
    expect(resolved.messages.map((message) => message.kind).sort()).toEqual(["NOTE", "STEP"]);
    expect(
      await database.prisma.session.count({ where: { id: idOf(loaded, "mfa?"), status: "ACTIVE" } }),
    ).toBe(1);

    const score = await evaluate(client, loaded, 3);
    // The same figures, worked out here from session.similar's own answers.
    const keys = new Map([...loaded.ids].map(([key, id]) => [id, key]));
    const expected = await Promise.all(
      TINY_SET.queries.map(async (query) => {
        const { items } = await client.session.similar({ sessionId: idOf(loaded, query.key), limit: 3 });
        const shown = items.map((item) => keys.get(item.sessionId));
        const relevant = TINY_SET.resolved
          .filter((ticket) => ticket.cause === query.cause)
          .map(({ key }) => key);
        const hits = shown.filter((key) => key !== undefined && relevant.includes(key)).length;
        return {
          query: query.key,
          hits,
          precision: shown.length === 0 ? (relevant.length === 0 ? 1 : 0) : hits / shown.length,
          recall: relevant.length === 0 ? null : hits / Math.min(3, relevant.length),
        };
      }),
    );
    expect(score.perQuery).toEqual(expected);
    expect(score).toMatchObject({ k: 3, queries: 2, recallQueries: 1 });
    expect(score.rankings[0]?.relevant).toEqual(new Set(["mfa#0", "mfa#1", "mfa#2"]));
    await client.close();
  });
});
