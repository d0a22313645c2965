// First run through the real server: an instance with no account says so (setup.status) and takes
// its first account and owner once, from whoever has a setup code that a server issued at start. A
// wrong code writes nothing and is throttled; a second setup, or several at once on two replicas,
// never make a second first account.
import { issueSetupCode } from "@handoff/api";
import { testDatabaseTargets } from "@handoff/db/testing";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestClient, type TestServer } from "../src/testing/index.ts";
import { useTestServer } from "./support/use-test-server.ts";

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "OK",
    (error: { data?: { code?: string } }) => error.data?.code ?? String(error),
  );

function firstOwner(tag: string, code: string) {
  return {
    code,
    accountName: `Acme IT ${tag}`,
    name: `Olivia ${tag}`,
    email: `owner.${tag}@acme.example`,
    password: "a long enough password",
    mode: "token" as const,
  };
}

describe.each(await testDatabaseTargets())("first-run setup on %s", (target) => {
  /** A second replica on the same database: it issues its own code, and either code works on either. */
  let replica: TestServer;

  const app = useTestServer({ target });
  beforeAll(async () => {
    replica = await app.startServer();
  });
  beforeEach(async () => {
    await app.prisma.account.deleteMany({});
    await app.prisma.setupCode.deleteMany({});
  });

  const anonymous = (on: TestServer = app.server) => createTestClient(on);
  const accountCount = () => app.prisma.account.count();

  it("says an empty instance needs setup, creates the owner with the code and signs them in", async () => {
    expect(await anonymous().setup.status()).toEqual({ isSetupNeeded: true });
    const code = (await issueSetupCode(app.prisma)) ?? "";
    expect(code).toMatch(/^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$/);

    // Typed as people do: lower case, without the dash.
    const { viewer, token } = await anonymous().setup.complete(
      firstOwner("one", ` ${code.toLowerCase().replace("-", "")} `),
    );
    expect(viewer).toMatchObject({ role: "owner", name: "Olivia one", account: { name: "Acme IT one" } });
    const owner = createTestClient(app.server, { token });
    expect(await owner.auth.me()).toMatchObject({ email: "owner.one@acme.example", role: "owner" });
    await owner.close();

    expect(await anonymous().setup.status()).toEqual({ isSetupNeeded: false });
    expect(await app.prisma.setupCode.count()).toBe(0);
    expect(await issueSetupCode(app.prisma)).toBeNull();
  });

  it("refuses a wrong code and writes nothing", async () => {
    await issueSetupCode(app.prisma);
    expect(await codeOf(anonymous().setup.complete(firstOwner("wrong", "ABCDE-FGHJK")))).toBe("FORBIDDEN");
    expect(await accountCount()).toBe(0);
    expect(await app.prisma.user.count()).toBe(0);
  });

  it("refuses bad input with field messages and writes nothing", async () => {
    const code = (await issueSetupCode(app.prisma)) ?? "";
    const error = await anonymous()
      .setup.complete({ ...firstOwner("bad", code), email: "not-an-email", password: "short" })
      .catch((caught: { data?: { zodError?: { fieldErrors: Record<string, string[]> } } }) => caught);
    expect(error).toMatchObject({
      data: {
        zodError: {
          fieldErrors: {
            email: ["Enter a valid email address"],
            password: ["Choose a password of at least 10 characters"],
          },
        },
      },
    });
    expect(await accountCount()).toBe(0);
  });

  it("refuses a second setup once an owner exists, whatever the code", async () => {
    const code = (await issueSetupCode(app.prisma)) ?? "";
    await anonymous().setup.complete(firstOwner("first", code));
    expect(await codeOf(anonymous().setup.complete(firstOwner("second", code)))).toBe("CONFLICT");
    expect(await codeOf(anonymous(replica).setup.complete(firstOwner("third", "ABCDE-FGHJK")))).toBe(
      "CONFLICT",
    );
    expect(await app.prisma.account.findMany({ select: { name: true } })).toEqual([
      { name: "Acme IT first" },
    ]);
  });

  it("creates one account when setups race on two replicas, each with its own code", async () => {
    const codes = [await issueSetupCode(app.prisma), await issueSetupCode(app.prisma)];
    const attempts = Array.from({ length: 6 }, (_, index) =>
      anonymous(index % 2 === 0 ? app.server : replica).setup.complete(
        firstOwner(`race${index}`, codes[index % 2] ?? ""),
      ),
    );
    const outcomes = await Promise.all(attempts.map(codeOf));
    expect(outcomes.filter((outcome) => outcome === "OK")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === "CONFLICT")).toHaveLength(5);
    expect(await accountCount()).toBe(1);
    expect(await app.prisma.user.count()).toBe(1);
  });
});

describe("guessing setup codes", () => {
  const app = useTestServer();

  it("refuses every attempt after ten wrong codes, the right one too, and writes nothing", async () => {
    const code = (await issueSetupCode(app.prisma)) ?? "";
    const client = createTestClient(app.server);
    for (let guess = 0; guess < 10; guess += 1) {
      expect(await codeOf(client.setup.complete(firstOwner(`guess${guess}`, `WRONG-${guess}`)))).toBe(
        "FORBIDDEN",
      );
    }
    const refused = await client.setup.complete(firstOwner("right", code)).catch((error: Error) => error);
    expect(refused).toMatchObject({
      data: { code: "TOO_MANY_REQUESTS" },
      message: expect.stringContaining("pnpm handoff setup"),
    });
    expect(await app.prisma.account.count()).toBe(0);
  });

  it("checks no more than ten of thirty wrong codes sent at once", async () => {
    await issueSetupCode(app.prisma);
    const client = createTestClient(await app.startServer());
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, guess) =>
        codeOf(client.setup.complete(firstOwner(`burst${guess}`, `WRONG-${guess}`))),
      ),
    );
    expect(answers.filter((answer) => answer === "FORBIDDEN")).toHaveLength(10);
    expect(answers.filter((answer) => answer === "TOO_MANY_REQUESTS")).toHaveLength(20);
    expect(await app.prisma.account.count()).toBe(0);
  });
});
