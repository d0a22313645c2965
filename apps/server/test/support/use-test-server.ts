// The integration tests' preamble as one fixture: a migrated database created once per file (or
// per describe block it is called in, e.g. once per describe.each target), a real server around it,
// both closed in afterAll. Call it at the top of the file or describe block; read `server`,
// `database` and `prisma` inside hooks and tests (they exist once its beforeAll has run).
//
//   const live = useTestServer({ target, server: () => ({ resend: { baseUrl: resend.baseUrl } }) });
//   it("…", async () => {
//     const account = await createTestAccount(live.prisma);
//     const engineer = await live.clientFor(account.engineer);
//   });
//
// Hooks registered before the call (a stand-in's start) run before it, and their afterAll after its
// close, so the server option may read what they started.
import type { PrismaClient } from "@handoff/db";
import {
  type CreateTestDatabaseOptions,
  createTestDatabase,
  type TestDatabaseTarget,
} from "@handoff/db/testing";
import { afterAll, beforeAll } from "vitest";
import {
  createTestClient,
  login,
  type StartTestServerOptions,
  startTestServer,
  type TestClient,
  type TestServer,
} from "../../src/testing/index.ts";

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;
type TServerOptions = Omit<StartTestServerOptions, "database">;

export type UseTestServerOptions = {
  /** Defaults to "pglite". */
  target?: TestDatabaseTarget;
  database?: CreateTestDatabaseOptions;
  /** The server's options, or a function read in beforeAll (after earlier hooks have run). */
  server?: TServerOptions | (() => TServerOptions);
};

export type TestServerFixture = {
  readonly database: TestDatabase;
  readonly prisma: PrismaClient;
  readonly server: TestServer;
  /** A test client signed in as `user` (password "demo") on the server, or on `on`. */
  clientFor(user: { email: string }, on?: TestServer): Promise<TestClient>;
  /** Another server on the same database (a replica, other config), closed in afterAll. */
  startServer(options?: TServerOptions): Promise<TestServer>;
};

export function useTestServer(options: UseTestServerOptions = {}): TestServerFixture {
  let database: TestDatabase | undefined;
  let server: TestServer | undefined;
  const servers: TestServer[] = [];

  const started = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`useTestServer: the ${name} exists only once beforeAll has run`);
    return value;
  };

  async function startServer(serverOptions: TServerOptions = {}) {
    const another = await startTestServer({ ...serverOptions, database: fixture.database });
    servers.push(another);
    return another;
  }

  const fixture: TestServerFixture = {
    get database() {
      return started(database, "database");
    },
    get prisma() {
      return started(database, "database").prisma;
    },
    get server() {
      return started(server, "server");
    },
    async clientFor(user, on = fixture.server) {
      return createTestClient(on, { token: await login(on, user.email) });
    },
    startServer,
  };

  beforeAll(async () => {
    database = await createTestDatabase(options.target ?? "pglite", options.database);
    const serverOptions = typeof options.server === "function" ? options.server() : options.server;
    server = await startServer(serverOptions);
  });
  afterAll(async () => {
    await Promise.all(servers.map((each) => each.close()));
    await database?.close();
  });

  return fixture;
}
