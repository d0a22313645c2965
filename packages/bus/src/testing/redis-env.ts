// Test-only: where the Redis of the integration tests is, and whether those tests may be skipped.
// Without Redis they are skipped, unless REQUIRE_SERVICES=1 (CI), where an unreachable Redis fails the run.

import { Redis } from "ioredis";

export const testRedisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export async function isTestRedisReachable(): Promise<boolean> {
  const probe = new Redis(testRedisUrl, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch (error) {
    if (process.env.REQUIRE_SERVICES === "1") {
      throw new Error(`REQUIRE_SERVICES=1 but Redis at ${testRedisUrl} is unreachable`, { cause: error });
    }
    return false;
  } finally {
    probe.disconnect();
  }
}
