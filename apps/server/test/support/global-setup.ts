// Builds dist/ before the tests when it is missing or older than its sources: the tests that start
// the server or the CLI as a child process run the build, so `pnpm test` needs no `pnpm build` first
// and never runs a stale one.
import { ensureServerBuilt } from "../../src/testing/run-main.ts";

export default async function setup(): Promise<void> {
  await ensureServerBuilt();
}
