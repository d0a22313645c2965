// The server's configuration: the only module that reads environment variables. `loadConfig` is a
// pure function (env in, config out) that validates everything at start and names each bad value.
import { createECDH } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  parseSecretsKey,
  type TAiProvider,
  type TLanguageModelConfig,
  type TPasswordResetLimits,
  type TRetentionWindows,
} from "@handoff/api";
import { DEFAULT_POOL_SIZE } from "@handoff/db";
import { z } from "zod";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type TLogLevel = (typeof LOG_LEVELS)[number];
const LOG_FORMATS = ["json", "pretty"] as const;
export type TLogFormat = (typeof LOG_FORMATS)[number];

/** Values never echoed back in error messages (they may carry credentials). */
const SECRET_KEYS = new Set([
  "DATABASE_URL",
  "REDIS_URL",
  "RESEND_API_KEY",
  "LOGIN_DEVICE_SECRET",
  "VAPID_PRIVATE_KEY",
  "SECRETS_KEY",
  "AI_API_KEY",
  "METRICS_TOKEN",
]);

const AI_PROVIDERS = ["anthropic", "openai", "openai-compatible"] as const satisfies readonly TAiProvider[];
/** A model per hosted provider when AI_MODEL is unset: fast, cheap, and with structured output. */
const DEFAULT_AI_MODELS: Partial<Record<TAiProvider, string>> = {
  anthropic: "claude-haiku-4-5",
  openai: "gpt-4.1-mini",
};

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const SIZE_UNITS_BYTES = { b: 1, kb: 1_024, mb: 1_048_576 } as const;

function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
}

function integer(min: number, max: number) {
  return z.string().transform((value, ctx) => {
    const parsed = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      return fail(ctx, `expected a whole number from ${min} to ${max}`);
    }
    return parsed;
  });
}

function duration(minMs: number) {
  return z.string().transform((value, ctx) => {
    const match = /^(\d+)\s*(ms|s|m|h|d)$/.exec(value.trim().toLowerCase());
    if (!match) return fail(ctx, 'expected a duration such as "500ms", "30s", "15m", "12h" or "7d"');
    const ms = Number(match[1]) * DURATION_UNITS_MS[match[2] as keyof typeof DURATION_UNITS_MS];
    if (ms < minMs) return fail(ctx, `must be at least ${minMs} ms`);
    return ms;
  });
}

function byteSize(minBytes: number, maxBytes: number) {
  return z.string().transform((value, ctx) => {
    const match = /^(\d+)\s*(b|kb|mb)?$/.exec(value.trim().toLowerCase());
    if (!match) return fail(ctx, 'expected a size in bytes, or with a unit such as "64kb" or "1mb"');
    const bytes = Number(match[1]) * SIZE_UNITS_BYTES[(match[2] ?? "b") as keyof typeof SIZE_UNITS_BYTES];
    if (bytes < minBytes || bytes > maxBytes) {
      return fail(ctx, `must be from ${minBytes} to ${maxBytes} bytes`);
    }
    return bytes;
  });
}

function urlWithProtocols(protocols: string[], example: string) {
  return z.string().transform((value, ctx) => {
    const url = URL.canParse(value.trim()) ? new URL(value.trim()) : null;
    if (!url || !protocols.includes(url.protocol)) return fail(ctx, `expected a URL such as ${example}`);
    return value.trim();
  });
}

/** A comma-separated list of origins (scheme://host[:port]); normalised, duplicates dropped. */
const ZOriginList = z.string().transform((value, ctx) => {
  const origins: string[] = [];
  for (const entry of value.split(",").map((part) => part.trim())) {
    if (entry === "") continue;
    const url = URL.canParse(entry) ? new URL(entry) : null;
    const isOrigin =
      url !== null &&
      (url.protocol === "http:" || url.protocol === "https:") &&
      url.pathname === "/" &&
      url.search === "" &&
      url.hash === "" &&
      url.username === "";
    if (!isOrigin) return fail(ctx, `"${entry}" is not an origin such as https://handoff.example.com`);
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  if (origins.length === 0) return fail(ctx, "expected at least one origin");
  return origins;
});

const ZBoolean = z.string().transform((value, ctx) => {
  const normalised = value.trim().toLowerCase();
  if (["1", "true", "yes"].includes(normalised)) return true;
  if (["0", "false", "no"].includes(normalised)) return false;
  return fail(ctx, 'expected "true" or "false"');
});

const ZEmailFrom = z.string().transform((value, ctx) => {
  const trimmed = value.trim();
  const isAddress = /^[^\s<>@]+@[^\s<>@]+$/.test(trimmed);
  const isNamedAddress = /^[^<>]+<[^\s<>@]+@[^\s<>@]+>$/.test(trimmed);
  if (!isAddress && !isNamedAddress) {
    return fail(
      ctx,
      'expected an address such as "escalations@example.com" or "Handoff <escalations@example.com>"',
    );
  }
  return trimmed;
});

/** A base64url (unpadded) key of an exact length in bytes, as VAPID keys are written. */
function base64UrlKey(bytes: number, what: string) {
  return z.string().transform((value, ctx) => {
    const trimmed = value.trim();
    const isBase64Url = /^[A-Za-z0-9_-]+$/.test(trimmed);
    if (!isBase64Url || Buffer.from(trimmed, "base64url").length !== bytes) {
      return fail(
        ctx,
        `expected ${what} (${bytes} bytes, base64url), as \`npx web-push generate-vapid-keys\` prints`,
      );
    }
    return trimmed;
  });
}

/** Who push services contact about this sender: a mailto: address or an https: URL. */
const ZVapidSubject = z.string().transform((value, ctx) => {
  const trimmed = value.trim();
  const url = URL.canParse(trimmed) ? new URL(trimmed) : null;
  if (!url || (url.protocol !== "mailto:" && url.protocol !== "https:")) {
    return fail(ctx, 'expected "mailto:you@example.com" or an https: URL');
  }
  return trimmed;
});

/** Host names (optionally host:port), comma-separated; a leading dot allows every subdomain. */
const ZHostList = z.string().transform((value, ctx) => {
  const hosts = value
    .split(",")
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== "");
  const bad = hosts.find((host) => !/^\.?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/.test(host));
  if (bad !== undefined) return fail(ctx, `"${bad}" is not a host name such as fcm.googleapis.com`);
  if (hosts.length === 0) return fail(ctx, "expected at least one host");
  return hosts;
});

/** 32 bytes for AES-256-GCM: 64 hex characters or base64 (`openssl rand -base64 32`). */
const ZSecretsKey = z.string().transform((value, ctx) => {
  return (
    parseSecretsKey(value) ??
    fail(ctx, "expected 32 random bytes as base64 (`openssl rand -base64 32`) or 64 hex characters")
  );
});

const ZNonEmpty = z.string().transform((value, ctx) => value.trim() || fail(ctx, "must not be blank"));

const ZSecret = z
  .string()
  .transform((value, ctx) =>
    value.trim().length >= 32 ? value.trim() : fail(ctx, "must be at least 32 characters"),
  );

/** Keys are the environment variable names, so every issue path names the variable at fault. */
const ZEnv = z.object({
  PORT: integer(0, 65_535).optional(),
  STREAM_PORT: integer(0, 65_535).optional(),
  WEB_DEV_PORT: integer(1, 65_535).optional(),
  HOST: ZNonEmpty.optional(),
  DATA_DIR: ZNonEmpty.optional(),
  DATABASE_URL: urlWithProtocols(
    ["postgres:", "postgresql:"],
    "postgresql://user@127.0.0.1:5432/handoff",
  ).optional(),
  DATABASE_PREPARED_STATEMENTS: ZBoolean.optional(),
  DATABASE_POOL_SIZE: integer(1, 1_000).optional(),
  DEMO: ZBoolean.optional(),
  REDIS_URL: urlWithProtocols(["redis:", "rediss:"], "redis://127.0.0.1:6379").optional(),
  RESEND_API_KEY: ZNonEmpty.optional(),
  RESEND_BASE_URL: urlWithProtocols(["http:", "https:"], "https://api.resend.com").optional(),
  EMAIL_FROM: ZEmailFrom.optional(),
  VAPID_PUBLIC_KEY: base64UrlKey(65, "a VAPID public key").optional(),
  VAPID_PRIVATE_KEY: base64UrlKey(32, "a VAPID private key").optional(),
  VAPID_SUBJECT: ZVapidSubject.optional(),
  PUSH_SERVICE_HOSTS: ZHostList.optional(),
  APP_ORIGIN: ZOriginList.optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(", ")}` }).optional(),
  LOG_FORMAT: z.enum(LOG_FORMATS, { error: `expected one of ${LOG_FORMATS.join(", ")}` }).optional(),
  AUTH_SESSION_TTL: duration(60_000).optional(),
  AUTH_RECHECK_INTERVAL: duration(100).optional(),
  STREAM_LOG_CHECK_INTERVAL: duration(100).optional(),
  PRESENCE_HEARTBEAT_INTERVAL: duration(100).optional(),
  LOGIN_FREE_FAILURES: integer(1, 10_000).optional(),
  LOGIN_MAX_DELAY: duration(1_000).optional(),
  LOGIN_ADDRESS_FAILURES: integer(1, 1_000_000).optional(),
  LOGIN_FAILURE_WINDOW: duration(1_000).optional(),
  LOGIN_DEVICE_SECRET: ZSecret.optional(),
  PASSWORD_RESET_PER_EMAIL: integer(1, 1_000).optional(),
  PASSWORD_RESET_PER_ADDRESS: integer(1, 1_000_000).optional(),
  PASSWORD_RESET_WINDOW: duration(1_000).optional(),
  STREAM_BUFFER_SIZE: integer(1, 1_000_000).optional(),
  STREAM_HISTORY_SIZE: integer(1, 1_000_000).optional(),
  STREAM_MAX_PER_SOCKET: integer(1, 10_000).optional(),
  STREAM_MAX_PER_LOGIN: integer(1, 1_000_000).optional(),
  WS_MAX_PER_ADDRESS: integer(1, 1_000_000).optional(),
  WS_AUTH_TIMEOUT: duration(100).optional(),
  WS_MAX_PAYLOAD: byteSize(1_024, 16 * 1_048_576).optional(),
  HTTP_MAX_BODY: byteSize(1_024, 16 * 1_048_576).optional(),
  WS_PING_INTERVAL: duration(100).optional(),
  WS_PONG_TIMEOUT: duration(100).optional(),
  SHUTDOWN_GRACE: duration(0).optional(),
  WEB_DIST_DIR: ZNonEmpty.optional(),
  TRUST_PROXY: ZBoolean.optional(),
  JOB_POLL_INTERVAL: duration(10).optional(),
  JOB_LEASE: duration(1_000).optional(),
  JOB_RETRY_BASE: duration(10).optional(),
  JOB_RETRY_MAX: duration(100).optional(),
  SECRETS_KEY: ZSecretsKey.optional(),
  PSA_TIMEOUT: duration(100).optional(),
  PSA_ALLOW_PRIVATE_HOSTS: ZBoolean.optional(),
  WEBHOOK_TIMEOUT: duration(100).optional(),
  WEBHOOK_ALLOW_PRIVATE_HOSTS: ZBoolean.optional(),
  SSO_ALLOW_LOCAL_ISSUERS: ZBoolean.optional(),
  AI_PROVIDER: z.enum(AI_PROVIDERS, { error: `expected one of ${AI_PROVIDERS.join(", ")}` }).optional(),
  AI_MODEL: ZNonEmpty.optional(),
  AI_API_KEY: ZNonEmpty.optional(),
  AI_BASE_URL: urlWithProtocols(["http:", "https:"], "http://127.0.0.1:11434/v1").optional(),
  AI_TIMEOUT: duration(100).optional(),
  AI_MAX_OUTPUT_TOKENS: integer(64, 64_000).optional(),
  AI_ASSESSMENT: ZBoolean.optional(),
  RETENTION_EVENTS_DAYS: integer(1, 36_500).optional(),
  RETENTION_NOTIFICATIONS_DAYS: integer(1, 36_500).optional(),
  RETENTION_JOBS_DAYS: integer(1, 36_500).optional(),
  METRICS_TOKEN: ZSecret.optional(),
  METRICS_PORT: integer(0, 65_535).optional(),
  METRICS_HOST: ZNonEmpty.optional(),
});

/** Every environment variable the server reads: the deploy files are checked against it. */
export const CONFIG_ENV_KEYS: readonly string[] = Object.keys(ZEnv.shape);

export type TAppConfig = {
  port: number;
  /**
   * A second port on the same server, for the reverse proxy to send the live stream's WebSocket
   * upgrades to (the main port takes them too): a reconnect storm then queues for acceptance apart
   * from people's requests. Null: none.
   */
  streamPort: number | null;
  host: string;
  /** Embedded PGlite data directory (used only without `databaseUrl`). */
  dataDir: string;
  databaseUrl: string | null;
  /** PostgreSQL: prepare the most-run statements on each connection (off for a pooler that cannot carry them). */
  usePreparedStatements: boolean;
  /** PostgreSQL: the most connections this process's pool opens. */
  poolSize: number;
  /** Seed the demo accounts into an empty database (default: on the embedded database only). */
  isDemo: boolean;
  redisUrl: string | null;
  email: { resendApiKey: string | null; resendBaseUrl: string | null; from: string };
  /**
   * Web Push. `vapidKeys` null: a pair is generated once and kept in the database (VapidKeyPair),
   * so browsers' subscriptions, which are bound to the public key, survive restarts.
   */
  push: {
    vapidKeys: { publicKey: string; privateKey: string } | null;
    subject: string;
    /** Push services the server may POST to; null = the major browsers' (see the API's sender). */
    allowedHosts: string[] | null;
  };
  /**
   * The assistant: `model` null means rules write assessments and briefings (no key configured);
   * `isAssessing` false turns assessments off (no job, no handoff.assessed).
   */
  ai: { model: TLanguageModelConfig | null; isAssessing: boolean };
  /** Background jobs: how often idle workers look for due work, how long a claim holds, retry backoff. */
  jobs: { pollIntervalMs: number; leaseMs: number; backoff: { baseDelayMs: number; maxDelayMs: number } };
  /**
   * PSA connections: the AES-256-GCM key their credentials are sealed with (null: none can be
   * saved, and the server refuses to start if some exist), and how long one PSA request may take.
   */
  psa: { secretsKey: Buffer | null; timeoutMs: number; allowPrivateHosts: boolean };
  /** Outbound webhooks, Teams and Slack (sealed under the same SECRETS_KEY): request timeout, private hosts. */
  webhooks: { timeoutMs: number; allowPrivateHosts: boolean };
  /**
   * Single sign-on (its client secrets are sealed with psa.secretsKey). `allowLocalIssuers` lets an
   * issuer be plain http on this machine or a private network: a local test provider, never production.
   */
  sso: { allowLocalIssuers: boolean };
  /** Allowed browser origins; the first one is used to build links (e.g. in emails). */
  appOrigins: string[];
  appOrigin: string;
  /** Cookies get `Secure` when the app is served over https. */
  isSecureCookie: boolean;
  logLevel: TLogLevel;
  /** JSON lines, or `pretty` for a terminal (`pnpm dev`; needs the dev dependency pino-pretty). */
  logFormat: TLogFormat;
  authSessionTtlMs: number;
  authRecheckMs: number;
  /** How often an idle stream checks the event log for events whose publish was lost. */
  streamLogCheckMs: number;
  /** How often a process re-announces its viewers; other replicas forget them after three missed beats. */
  presenceHeartbeatMs: number;
  /** Failed sign-ins: see packages/api/src/services/auth/login-protection.ts. */
  loginProtection: {
    freeFailures: number;
    maxDelayMs: number;
    addressFailures: number;
    windowMs: number;
    /** null: a random secret per process (known devices are forgotten at restart, not shared). */
    deviceSecret: string | null;
  };
  /** Requests for a password reset email, per email and per address: see reset-throttle.ts in the API. */
  passwordReset: TPasswordResetLimits;
  /** Each account hub's bus buffer; null keeps the bus's default. */
  streamBufferSize: number | null;
  /** Recent events per account kept in memory for reconnecting clients. */
  streamHistorySize: number;
  /** Live streams allowed per WebSocket and per login. */
  streamLimits: { perSocket: number; perLogin: number };
  /** WebSocket connections allowed per client address. */
  wsMaxPerAddress: number;
  /** How long a WebSocket may stay open without a valid login. */
  wsAuthTimeoutMs: number;
  wsMaxPayloadBytes: number;
  httpMaxBodyBytes: number;
  wsKeepAlive: { pingMs: number; pongWaitMs: number };
  /** How long shutdown waits for in-flight requests before cutting connections. */
  shutdownGraceMs: number;
  webDistDir: string;
  /** Take the client IP from X-Forwarded-For (only behind a proxy you control). */
  isProxyTrusted: boolean;
  /**
   * Who may read /metrics: with `token`, bearers of it on the main port; with `port`, anyone who
   * reaches that listener (on `host`). Neither: /metrics is a 404.
   */
  metrics: { token: string | null; port: number | null; host: string };
  /** Days old rows are kept before the daily prune deletes them (see retention-jobs.ts). */
  retention: TRetentionWindows;
};

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  }
}

/** Relative paths are taken from the repository root, so they mean the same from any cwd. */
function resolveFromRepo(dir: string): string {
  return path.resolve(REPO_ROOT, dir);
}

function describeProblem(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const key = String(issue.path[0] ?? "environment");
  const value = env[key];
  const shown = value === undefined || SECRET_KEYS.has(key) ? "" : ` (got "${value}")`;
  return `${key}: ${issue.message}${shown}`;
}

export function loadConfig(env: Record<string, string | undefined>): TAppConfig {
  // An empty variable (e.g. `DATABASE_URL=` in a .env file) means "unset", not "invalid".
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = ZEnv.safeParse(present);
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((issue) => describeProblem(issue, present)));
  const vars = parsed.data;

  const port = vars.PORT ?? 3000;
  // The local default below would put http://localhost links in every invitation a real team gets.
  if (vars.DATABASE_URL && !vars.APP_ORIGIN) {
    throw new ConfigError([
      "APP_ORIGIN: required with DATABASE_URL: the address people open Handoff at (e.g. https://handoff.example.com), used in the links of emails",
    ]);
  }
  // Unset means local use: this server's own origin, and the Vite dev server that proxies /trpc here
  // (apps/web/vite.config.ts reads the same WEB_DEV_PORT).
  const webDevPort = vars.WEB_DEV_PORT ?? 5173;
  const appOrigins = vars.APP_ORIGIN ?? [
    `http://localhost:${port}`,
    `http://127.0.0.1:${port}`,
    `http://localhost:${webDevPort}`,
    `http://127.0.0.1:${webDevPort}`,
  ];
  const appOrigin = appOrigins[0] as string;
  const emailFrom = vars.EMAIL_FROM ?? "Handoff <escalations@handoff.local>";
  if (vars.STREAM_PORT !== undefined && vars.STREAM_PORT !== 0 && vars.STREAM_PORT === port) {
    throw new ConfigError(["STREAM_PORT: must differ from PORT (the stream's port is a second one)"]);
  }
  const wsPingMs = vars.WS_PING_INTERVAL ?? 30_000;
  const wsPongWaitMs = vars.WS_PONG_TIMEOUT ?? 10_000;
  if (wsPongWaitMs >= wsPingMs) {
    throw new ConfigError(["WS_PONG_TIMEOUT: must be shorter than WS_PING_INTERVAL"]);
  }

  const jobs = {
    pollIntervalMs: vars.JOB_POLL_INTERVAL ?? 1_000,
    leaseMs: vars.JOB_LEASE ?? 2 * 60_000,
    backoff: { baseDelayMs: vars.JOB_RETRY_BASE ?? 2_000, maxDelayMs: vars.JOB_RETRY_MAX ?? 10 * 60_000 },
  };

  return {
    port,
    streamPort: vars.STREAM_PORT ?? null,
    host: vars.HOST ?? "127.0.0.1",
    dataDir: resolveFromRepo(vars.DATA_DIR ?? ".data"),
    databaseUrl: vars.DATABASE_URL ?? null,
    usePreparedStatements: vars.DATABASE_PREPARED_STATEMENTS ?? true,
    poolSize: vars.DATABASE_POOL_SIZE ?? DEFAULT_POOL_SIZE,
    isDemo: vars.DEMO ?? vars.DATABASE_URL === undefined,
    redisUrl: vars.REDIS_URL ?? null,
    email: {
      resendApiKey: vars.RESEND_API_KEY ?? null,
      resendBaseUrl: vars.RESEND_BASE_URL ?? null,
      from: emailFrom,
    },
    push: {
      vapidKeys: vapidKeysOf(vars.VAPID_PUBLIC_KEY, vars.VAPID_PRIVATE_KEY),
      subject: vars.VAPID_SUBJECT ?? defaultVapidSubject(appOrigin, emailFrom),
      allowedHosts: vars.PUSH_SERVICE_HOSTS ?? null,
    },
    jobs,
    psa: {
      secretsKey: vars.SECRETS_KEY ?? null,
      timeoutMs: vars.PSA_TIMEOUT ?? 15_000,
      allowPrivateHosts: vars.PSA_ALLOW_PRIVATE_HOSTS ?? false,
    },
    webhooks: {
      timeoutMs: vars.WEBHOOK_TIMEOUT ?? 10_000,
      allowPrivateHosts: vars.WEBHOOK_ALLOW_PRIVATE_HOSTS ?? false,
    },
    sso: { allowLocalIssuers: vars.SSO_ALLOW_LOCAL_ISSUERS ?? false },
    ai: { model: languageModelOf(vars, jobs.leaseMs), isAssessing: vars.AI_ASSESSMENT ?? true },
    appOrigins,
    appOrigin,
    isSecureCookie: appOrigin.startsWith("https:"),
    logLevel: vars.LOG_LEVEL ?? "info",
    logFormat: vars.LOG_FORMAT ?? "json",
    authSessionTtlMs: vars.AUTH_SESSION_TTL ?? 7 * DURATION_UNITS_MS.d,
    authRecheckMs: vars.AUTH_RECHECK_INTERVAL ?? 30_000,
    streamLogCheckMs: vars.STREAM_LOG_CHECK_INTERVAL ?? 3_000,
    presenceHeartbeatMs: vars.PRESENCE_HEARTBEAT_INTERVAL ?? 5_000,
    loginProtection: {
      freeFailures: vars.LOGIN_FREE_FAILURES ?? 5,
      maxDelayMs: vars.LOGIN_MAX_DELAY ?? 60_000,
      addressFailures: vars.LOGIN_ADDRESS_FAILURES ?? 50,
      windowMs: vars.LOGIN_FAILURE_WINDOW ?? 3_600_000,
      deviceSecret: vars.LOGIN_DEVICE_SECRET ?? null,
    },
    passwordReset: {
      perEmail: vars.PASSWORD_RESET_PER_EMAIL ?? 3,
      perAddress: vars.PASSWORD_RESET_PER_ADDRESS ?? 20,
      windowMs: vars.PASSWORD_RESET_WINDOW ?? 3_600_000,
    },
    streamBufferSize: vars.STREAM_BUFFER_SIZE ?? null,
    streamHistorySize: vars.STREAM_HISTORY_SIZE ?? 1_000,
    streamLimits: { perSocket: vars.STREAM_MAX_PER_SOCKET ?? 4, perLogin: vars.STREAM_MAX_PER_LOGIN ?? 50 },
    wsMaxPerAddress: vars.WS_MAX_PER_ADDRESS ?? 500,
    wsAuthTimeoutMs: vars.WS_AUTH_TIMEOUT ?? 10_000,
    wsMaxPayloadBytes: vars.WS_MAX_PAYLOAD ?? 128 * 1_024,
    httpMaxBodyBytes: vars.HTTP_MAX_BODY ?? 128 * 1_024,
    wsKeepAlive: { pingMs: wsPingMs, pongWaitMs: wsPongWaitMs },
    shutdownGraceMs: vars.SHUTDOWN_GRACE ?? 10_000,
    webDistDir: resolveFromRepo(vars.WEB_DIST_DIR ?? "apps/web/dist"),
    isProxyTrusted: vars.TRUST_PROXY ?? false,
    metrics: {
      token: vars.METRICS_TOKEN ?? null,
      port: vars.METRICS_PORT ?? null,
      host: vars.METRICS_HOST ?? "127.0.0.1",
    },
    retention: {
      eventsDays: vars.RETENTION_EVENTS_DAYS ?? 90,
      notificationsDays: vars.RETENTION_NOTIFICATIONS_DAYS ?? 90,
      jobsDays: vars.RETENTION_JOBS_DAYS ?? 30,
    },
  };
}

/**
 * The language model, or null when none is configured (rules write assessments and briefings).
 * A half-configured one is refused at start rather than quietly falling back to rules.
 */
function languageModelOf(vars: z.infer<typeof ZEnv>, leaseMs: number): TLanguageModelConfig | null {
  const provider = vars.AI_PROVIDER;
  if (!provider) {
    const stray = (["AI_API_KEY", "AI_MODEL", "AI_BASE_URL"] as const).find((key) => vars[key] !== undefined);
    if (stray) throw new ConfigError([`${stray}: set AI_PROVIDER too (${AI_PROVIDERS.join(", ")})`]);
    return null;
  }
  const problems: string[] = [];
  if (provider === "openai-compatible") {
    if (!vars.AI_BASE_URL) problems.push("AI_BASE_URL: required with AI_PROVIDER=openai-compatible");
  } else if (!vars.AI_API_KEY) {
    problems.push(`AI_API_KEY: required with AI_PROVIDER=${provider}`);
  }
  const model = vars.AI_MODEL ?? DEFAULT_AI_MODELS[provider];
  if (!model) problems.push(`AI_MODEL: required with AI_PROVIDER=${provider}`);
  const timeoutMs = vars.AI_TIMEOUT ?? 30_000;
  if (timeoutMs >= leaseMs) problems.push("AI_TIMEOUT: must be shorter than JOB_LEASE");
  if (problems.length > 0 || !model) throw new ConfigError(problems);
  return {
    provider,
    model,
    apiKey: vars.AI_API_KEY ?? null,
    baseUrl: vars.AI_BASE_URL ?? null,
    timeoutMs,
    maxOutputTokens: vars.AI_MAX_OUTPUT_TOKENS ?? 1_000,
  };
}

/** Both keys or neither; a public key that is not the private key's is refused at start. */
function vapidKeysOf(
  publicKey: string | undefined,
  privateKey: string | undefined,
): TAppConfig["push"]["vapidKeys"] {
  if (publicKey === undefined && privateKey === undefined) return null;
  if (publicKey === undefined || privateKey === undefined) {
    const missing = publicKey === undefined ? "VAPID_PUBLIC_KEY" : "VAPID_PRIVATE_KEY";
    throw new ConfigError([`${missing}: set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY together`]);
  }
  const ecdh = createECDH("prime256v1");
  let derived: string | null = null;
  try {
    ecdh.setPrivateKey(Buffer.from(privateKey, "base64url"));
    derived = ecdh.getPublicKey().toString("base64url");
  } catch {
    derived = null;
  }
  if (derived !== publicKey) {
    throw new ConfigError(["VAPID_PUBLIC_KEY: is not the public key of VAPID_PRIVATE_KEY"]);
  }
  return { publicKey, privateKey };
}

/** The app's https origin, else the sender address of escalation emails. */
function defaultVapidSubject(appOrigin: string, emailFrom: string): string {
  if (appOrigin.startsWith("https:")) return appOrigin;
  const address = /<([^>]+)>/.exec(emailFrom)?.[1] ?? emailFrom;
  return `mailto:${address}`;
}

/** The process environment, read here and nowhere else. */
export function loadConfigFromProcess(): TAppConfig {
  return loadConfig(process.env);
}
