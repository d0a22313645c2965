// The Resend stand-in as a fixture: started in beforeAll, closed in afterAll. Call it before
// useTestServer (whose server options read its baseUrl in their own beforeAll, after this one's);
// read it inside hooks and tests.
import { afterAll, beforeAll } from "vitest";
import { type ResendStandIn, startResendStandIn } from "../../src/testing/resend-stand-in.ts";

export function useResendStandIn(): ResendStandIn {
  let started: ResendStandIn | undefined;
  const standIn = (): ResendStandIn => {
    if (!started) throw new Error("useResendStandIn: the stand-in exists only once beforeAll has run");
    return started;
  };
  beforeAll(async () => {
    started = await startResendStandIn();
  });
  afterAll(async () => {
    await started?.close();
  });
  return {
    get baseUrl() {
      return standIn().baseUrl;
    },
    get received() {
      return standIn().received;
    },
    delivered: () => standIn().delivered(),
    respondWith: (answer, options) => standIn().respondWith(answer, options),
    close: () => standIn().close(),
  };
}
