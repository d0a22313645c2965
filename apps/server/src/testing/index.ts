// "@handoff/server/testing": the harness every integration test uses. Start a real server on an
// ephemeral port around your test database, sign in, and talk to it with a real typed tRPC client:
//
//   const database = await createTestDatabase("pglite");          // @handoff/db/testing
//   const server = await startTestServer({ database });           // + config overrides, resend, bus…
//   const account = await createTestAccount(database.prisma);
//   const senior = createTestClient(server, { token: await login(server, account.senior.email) });
//   senior.escalation.onEvent.subscribe({}, { onData: (event) => … });
//   await engineer.handoff.escalate({ sessionId, priority: "high" });
//   await server.stop(); …; await server.start();                  // same port: clients reconnect
//   await server.close();                                           // also closes its test clients
//   await database.close();

export { accountSubscriptions } from "./account-subscriptions.ts";
export { createLogCapture, type LogCapture, type TLogLine } from "./log-capture.ts";
export {
  type ResendStandIn,
  startResendStandIn,
  type TReceivedEmail,
  type TStandInAnswer,
} from "./resend-stand-in.ts";
export { ensureServerBuilt, runMain, type TMainRun, waitForUrl } from "./run-main.ts";
export {
  type StartTestServerOptions,
  startTestServer,
  TEST_APP_ORIGIN,
  type TestServer,
  WITHOUT_ASSESSMENTS,
} from "./start-test-server.ts";
export {
  createTestClient,
  jitteredBackoff,
  login,
  type TestClient,
  type TestClientOptions,
  type TRPCWebSocketClient,
} from "./test-client.ts";
export { totpCodeAt } from "./totp-code.ts";
