// loadConfig: defaults, parsing of each knob, and one clear message per bad value.
import { createECDH } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A VAPID key pair as `web-push generate-vapid-keys` prints it. */
function vapidKeyPair() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return {
    publicKey: ecdh.getPublicKey().toString("base64url"),
    // A private key with leading zero bytes comes out shorter: keys are always 32 bytes.
    privateKey: Buffer.concat([Buffer.alloc(32), ecdh.getPrivateKey()])
      .subarray(-32)
      .toString("base64url"),
  };
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected loadConfig to reject this environment");
}

describe("loadConfig", () => {
  it("gives the embedded defaults for an empty environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      streamPort: null,
      host: "127.0.0.1",
      dataDir: path.join(REPO_ROOT, ".data"),
      databaseUrl: null,
      poolSize: 10,
      isDemo: true,
      redisUrl: null,
      email: { resendApiKey: null, resendBaseUrl: null, from: "Handoff <escalations@handoff.local>" },
      appOrigin: "http://localhost:3000",
      appOrigins: [
        "http://localhost:3000",
        "http://127.0.0.1:3000",
        "http://localhost:5173",
        "http://127.0.0.1:5173",
      ],
      isSecureCookie: false,
      logLevel: "info",
      authSessionTtlMs: 7 * 24 * 3_600_000,
      webDistDir: path.join(REPO_ROOT, "apps/web/dist"),
      isProxyTrusted: false,
      streamBufferSize: null,
      streamLogCheckMs: 3_000,
      presenceHeartbeatMs: 5_000,
    });
    expect(config.wsKeepAlive.pongWaitMs).toBeLessThan(config.wsKeepAlive.pingMs);
  });

  it("derives the default origin from PORT", () => {
    expect(loadConfig({ PORT: "8080" }).appOrigin).toBe("http://localhost:8080");
  });

  it("allows the Vite dev server's origin on the port `pnpm dev` gives it", () => {
    expect(loadConfig({ PORT: "3501", WEB_DEV_PORT: "5601" }).appOrigins).toEqual([
      "http://localhost:3501",
      "http://127.0.0.1:3501",
      "http://localhost:5601",
      "http://127.0.0.1:5601",
    ]);
  });

  it("parses every knob", () => {
    const vapid = vapidKeyPair();
    const config = loadConfig({
      PORT: "0",
      STREAM_PORT: "3001",
      HOST: "0.0.0.0",
      DATA_DIR: "/var/lib/handoff",
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/test",
      DATABASE_PREPARED_STATEMENTS: "false",
      DATABASE_POOL_SIZE: "25",
      DEMO: "true",
      REDIS_URL: "redis://127.0.0.1:6379",
      RESEND_API_KEY: "re_123",
      RESEND_BASE_URL: "http://127.0.0.1:9999",
      EMAIL_FROM: "ops@example.com",
      APP_ORIGIN: "https://handoff.example.com/, https://admin.example.com:8443,https://handoff.example.com",
      LOG_LEVEL: "debug",
      LOG_FORMAT: "pretty",
      METRICS_TOKEN: "a-metrics-token-of-thirty-two-chars-or-more",
      METRICS_PORT: "9464",
      METRICS_HOST: "0.0.0.0",
      RETENTION_EVENTS_DAYS: "30",
      RETENTION_NOTIFICATIONS_DAYS: "60",
      RETENTION_JOBS_DAYS: "7",
      AUTH_SESSION_TTL: "12h",
      AUTH_RECHECK_INTERVAL: "5s",
      STREAM_LOG_CHECK_INTERVAL: "2s",
      PRESENCE_HEARTBEAT_INTERVAL: "3s",
      LOGIN_FREE_FAILURES: "3",
      LOGIN_MAX_DELAY: "30s",
      LOGIN_ADDRESS_FAILURES: "40",
      LOGIN_FAILURE_WINDOW: "15m",
      LOGIN_DEVICE_SECRET: "a-secret-of-at-least-thirty-two-chars",
      PASSWORD_RESET_PER_EMAIL: "2",
      PASSWORD_RESET_PER_ADDRESS: "50",
      PASSWORD_RESET_WINDOW: "30m",
      STREAM_BUFFER_SIZE: "64",
      WS_MAX_PAYLOAD: "64kb",
      HTTP_MAX_BODY: "1mb",
      WS_PING_INTERVAL: "10s",
      WS_PONG_TIMEOUT: "500ms",
      SHUTDOWN_GRACE: "0s",
      WEB_DIST_DIR: "custom/dist",
      TRUST_PROXY: "true",
      JOB_POLL_INTERVAL: "250ms",
      JOB_LEASE: "5m",
      JOB_RETRY_BASE: "1s",
      JOB_RETRY_MAX: "1h",
      AI_PROVIDER: "openai",
      AI_MODEL: "gpt-4.1",
      AI_API_KEY: "sk-test",
      AI_BASE_URL: "https://llm-gateway.example.com/v1",
      AI_TIMEOUT: "45s",
      AI_MAX_OUTPUT_TOKENS: "2000",
      AI_ASSESSMENT: "false",
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: "mailto:oncall@example.com",
      PUSH_SERVICE_HOSTS: "fcm.googleapis.com, .push.apple.com,127.0.0.1:8443",
      WEBHOOK_TIMEOUT: "5s",
      WEBHOOK_ALLOW_PRIVATE_HOSTS: "true",
      SSO_ALLOW_LOCAL_ISSUERS: "true",
    });
    expect(config).toEqual({
      port: 0,
      streamPort: 3001,
      host: "0.0.0.0",
      dataDir: "/var/lib/handoff",
      databaseUrl: "postgresql://postgres@127.0.0.1:5432/test",
      usePreparedStatements: false,
      poolSize: 25,
      isDemo: true,
      redisUrl: "redis://127.0.0.1:6379",
      email: { resendApiKey: "re_123", resendBaseUrl: "http://127.0.0.1:9999", from: "ops@example.com" },
      push: {
        vapidKeys: vapid,
        subject: "mailto:oncall@example.com",
        allowedHosts: ["fcm.googleapis.com", ".push.apple.com", "127.0.0.1:8443"],
      },
      psa: { secretsKey: null, timeoutMs: 15_000, allowPrivateHosts: false },
      webhooks: { timeoutMs: 5_000, allowPrivateHosts: true },
      sso: { allowLocalIssuers: true },
      jobs: {
        pollIntervalMs: 250,
        leaseMs: 300_000,
        backoff: { baseDelayMs: 1_000, maxDelayMs: 3_600_000 },
      },
      ai: {
        model: {
          provider: "openai",
          model: "gpt-4.1",
          apiKey: "sk-test",
          baseUrl: "https://llm-gateway.example.com/v1",
          timeoutMs: 45_000,
          maxOutputTokens: 2_000,
        },
        isAssessing: false,
      },
      appOrigins: ["https://handoff.example.com", "https://admin.example.com:8443"],
      appOrigin: "https://handoff.example.com",
      isSecureCookie: true,
      logLevel: "debug",
      logFormat: "pretty",
      metrics: { token: "a-metrics-token-of-thirty-two-chars-or-more", port: 9464, host: "0.0.0.0" },
      retention: { eventsDays: 30, notificationsDays: 60, jobsDays: 7 },
      authSessionTtlMs: 12 * 3_600_000,
      authRecheckMs: 5_000,
      streamLogCheckMs: 2_000,
      presenceHeartbeatMs: 3_000,
      loginProtection: {
        freeFailures: 3,
        maxDelayMs: 30_000,
        addressFailures: 40,
        windowMs: 15 * 60_000,
        deviceSecret: "a-secret-of-at-least-thirty-two-chars",
      },
      passwordReset: { perEmail: 2, perAddress: 50, windowMs: 30 * 60_000 },
      streamBufferSize: 64,
      streamHistorySize: 1_000,
      streamLimits: { perSocket: 4, perLogin: 50 },
      wsMaxPerAddress: 500,
      wsAuthTimeoutMs: 10_000,
      wsMaxPayloadBytes: 64 * 1_024,
      httpMaxBodyBytes: 1_048_576,
      wsKeepAlive: { pingMs: 10_000, pongWaitMs: 500 },
      shutdownGraceMs: 0,
      webDistDir: path.join(REPO_ROOT, "custom/dist"),
      isProxyTrusted: true,
    });
  });

  it("takes VAPID keys in pairs that belong together; without them the pair is generated (null here)", () => {
    const vapid = vapidKeyPair();
    expect(loadConfig({}).push).toEqual({
      vapidKeys: null,
      subject: "mailto:escalations@handoff.local",
      allowedHosts: null,
    });
    expect(loadConfig({ APP_ORIGIN: "https://handoff.example.com" }).push.subject).toBe(
      "https://handoff.example.com",
    );
    expect(problemsOf({ VAPID_PUBLIC_KEY: vapid.publicKey })).toEqual([
      "VAPID_PRIVATE_KEY: set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY together",
    ]);
    expect(
      problemsOf({ VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapidKeyPair().privateKey }),
    ).toEqual(["VAPID_PUBLIC_KEY: is not the public key of VAPID_PRIVATE_KEY"]);
    expect(
      problemsOf({
        VAPID_PUBLIC_KEY: "abc",
        VAPID_PRIVATE_KEY: "secret!",
        VAPID_SUBJECT: "oncall@example.com",
      }),
    ).toEqual([
      'VAPID_PUBLIC_KEY: expected a VAPID public key (65 bytes, base64url), as `npx web-push generate-vapid-keys` prints (got "abc")',
      "VAPID_PRIVATE_KEY: expected a VAPID private key (32 bytes, base64url), as `npx web-push generate-vapid-keys` prints",
      'VAPID_SUBJECT: expected "mailto:you@example.com" or an https: URL (got "oncall@example.com")',
    ]);
  });

  it("configures a language model only when asked to, and refuses a half-configured one", () => {
    expect(loadConfig({}).ai).toEqual({ model: null, isAssessing: true });
    expect(loadConfig({ AI_ASSESSMENT: "false" }).ai.isAssessing).toBe(false);
    expect(loadConfig({ AI_PROVIDER: "anthropic", AI_API_KEY: "sk-ant-x" }).ai.model).toEqual({
      provider: "anthropic",
      model: "claude-haiku-4-5",
      apiKey: "sk-ant-x",
      baseUrl: null,
      timeoutMs: 30_000,
      maxOutputTokens: 1_000,
    });
    expect(
      loadConfig({
        AI_PROVIDER: "openai-compatible",
        AI_BASE_URL: "http://127.0.0.1:11434/v1",
        AI_MODEL: "llama3.2",
        AI_TIMEOUT: "90s",
        AI_MAX_OUTPUT_TOKENS: "800",
      }).ai.model,
    ).toEqual({
      provider: "openai-compatible",
      model: "llama3.2",
      apiKey: null,
      baseUrl: "http://127.0.0.1:11434/v1",
      timeoutMs: 90_000,
      maxOutputTokens: 800,
    });
    expect(problemsOf({ AI_API_KEY: "sk-x" })).toEqual([
      "AI_API_KEY: set AI_PROVIDER too (anthropic, openai, openai-compatible)",
    ]);
    expect(problemsOf({ AI_PROVIDER: "openai" })).toEqual(["AI_API_KEY: required with AI_PROVIDER=openai"]);
    expect(problemsOf({ AI_PROVIDER: "openai-compatible", AI_TIMEOUT: "5m" })).toEqual([
      "AI_BASE_URL: required with AI_PROVIDER=openai-compatible",
      "AI_MODEL: required with AI_PROVIDER=openai-compatible",
      "AI_TIMEOUT: must be shorter than JOB_LEASE",
    ]);
    expect(problemsOf({ AI_PROVIDER: "gemini", AI_API_KEY: "secret-key" })).toEqual([
      'AI_PROVIDER: expected one of anthropic, openai, openai-compatible (got "gemini")',
    ]);
  });

  it("seeds demo data on the embedded database unless DEMO=false, and on PostgreSQL only when asked", () => {
    expect(loadConfig({ DEMO: "false" }).isDemo).toBe(false);
    const postgres = { DATABASE_URL: "postgresql://db/handoff", APP_ORIGIN: "https://handoff.example.com" };
    expect(loadConfig(postgres).isDemo).toBe(false);
    expect(loadConfig({ ...postgres, DEMO: "true" }).isDemo).toBe(true);
  });

  it("refuses PostgreSQL without APP_ORIGIN, which email links are built from", () => {
    expect(problemsOf({ DATABASE_URL: "postgresql://db/handoff" })).toEqual([
      "APP_ORIGIN: required with DATABASE_URL: the address people open Handoff at (e.g. https://handoff.example.com), used in the links of emails",
    ]);
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", PORT: "", DEMO: "" })).toMatchObject({
      databaseUrl: null,
      port: 3000,
      isDemo: true,
    });
  });

  it("names each bad value with what was expected", () => {
    const problems = problemsOf({
      PORT: "70000",
      LOG_LEVEL: "loud",
      APP_ORIGIN: "https://ok.example.com,https://bad.example.com/app",
      AUTH_SESSION_TTL: "7 days",
      WS_MAX_PAYLOAD: "lots",
      TRUST_PROXY: "maybe",
      EMAIL_FROM: "not an address",
      DATABASE_POOL_SIZE: "0",
    });
    expect(problems).toEqual([
      'PORT: expected a whole number from 0 to 65535 (got "70000")',
      'DATABASE_POOL_SIZE: expected a whole number from 1 to 1000 (got "0")',
      'EMAIL_FROM: expected an address such as "escalations@example.com" or "Handoff <escalations@example.com>" (got "not an address")',
      'APP_ORIGIN: "https://bad.example.com/app" is not an origin such as https://handoff.example.com (got "https://ok.example.com,https://bad.example.com/app")',
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'AUTH_SESSION_TTL: expected a duration such as "500ms", "30s", "15m", "12h" or "7d" (got "7 days")',
      'WS_MAX_PAYLOAD: expected a size in bytes, or with a unit such as "64kb" or "1mb" (got "lots")',
      'TRUST_PROXY: expected "true" or "false" (got "maybe")',
    ]);
  });

  it("never echoes values that may hold credentials", () => {
    const problems = problemsOf({
      DATABASE_URL: "mysql://root:hunter2@db/handoff",
      LOGIN_DEVICE_SECRET: "hunter2",
    });
    expect(problems).toEqual([
      "DATABASE_URL: expected a URL such as postgresql://user@127.0.0.1:5432/handoff",
      "LOGIN_DEVICE_SECRET: must be at least 32 characters",
    ]);
  });

  it("puts the variable names in the error message", () => {
    expect(() => loadConfig({ PORT: "http" })).toThrow(
      /Invalid configuration:\n {2}- PORT: expected a whole number/,
    );
  });

  it("rejects bounds that make no sense together or alone", () => {
    expect(problemsOf({ WS_PING_INTERVAL: "1s", WS_PONG_TIMEOUT: "2s" })).toEqual([
      "WS_PONG_TIMEOUT: must be shorter than WS_PING_INTERVAL",
    ]);
    expect(problemsOf({ STREAM_PORT: "3000" })).toEqual([
      "STREAM_PORT: must differ from PORT (the stream's port is a second one)",
    ]);
    expect(loadConfig({ PORT: "0", STREAM_PORT: "0" }).streamPort).toBe(0);
    expect(problemsOf({ AUTH_SESSION_TTL: "10s", WS_MAX_PAYLOAD: "10" })).toEqual([
      'AUTH_SESSION_TTL: must be at least 60000 ms (got "10s")',
      'WS_MAX_PAYLOAD: must be from 1024 to 16777216 bytes (got "10")',
    ]);
  });
});
