// Test helpers for every package that touches the database ("@handoff/db/testing").

export { hashSlowToCheck } from "./slow-password.ts";
export {
  resolveTestDatabaseTargets,
  type TestDatabaseTarget,
  testDatabaseTargets,
  testDatabaseUrl,
} from "./targets.ts";
export {
  type CreateTestAccountOverrides,
  createTestAccount,
  TEST_PASSWORD,
  type TestAccount,
} from "./test-account.ts";
export {
  type CreateTestDatabaseOptions,
  createEmptyTestDatabase,
  createTestDatabase,
  createTestDataDir,
  type TestDataDir,
} from "./test-database.ts";
