// The app server through its front door: probes, the session cookie, WebSocket upgrade policy and
// limits, static serving of the web build, and graceful shutdown.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { AUTH_COOKIE_NAME, LOGINS_CHANNEL, type TEscalationBusMessage } from "@handoff/api";
import { type Bus, createMemoryBus } from "@handoff/bus";
import { createTestAccount, createTestDatabase, type TestAccount } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import {
  accountSubscriptions,
  createLogCapture,
  createTestClient,
  login,
  startTestServer,
  TEST_APP_ORIGIN,
  type TestServer,
} from "./testing/index.ts";

type TTestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

let database: TTestDatabase;
let server: TestServer;
let account: TestAccount;

beforeAll(async () => {
  database = await createTestDatabase("pglite");
  server = await startTestServer({ database, wsMaxPayloadBytes: 4_096, httpMaxBodyBytes: 4_096 });
  account = await createTestAccount(database.prisma);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

/** POSTs one tRPC mutation the way a browser would, returning the raw response. */
function postProcedure(
  base: string,
  procedure: string,
  input: unknown,
  headers: Record<string, string> = {},
) {
  return fetch(`${base}/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ json: input }),
  });
}

type TUpgrade = { status: "open"; socket: WebSocket } | { status: number };

/** Attempts a WebSocket upgrade; resolves with the open socket or the HTTP status it was refused with. */
function upgrade(
  url: string,
  options: { origin?: string; headers?: Record<string, string> } = {},
): Promise<TUpgrade> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { ...options, handshakeTimeout: 5_000 });
    socket.once("open", () => resolve({ status: "open", socket }));
    socket.once("unexpected-response", (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      socket.terminate();
    });
    socket.once("error", reject);
  });
}

/** Sends one input-less tRPC query over a raw socket and resolves with the response carrying its id. */
function rpcQuery(socket: WebSocket, id: number, path: string): Promise<unknown> {
  const message = { id, jsonrpc: "2.0", method: "query", params: { path, input: { json: null } } };
  return new Promise((resolve) => {
    const onMessage = (raw: Buffer) => {
      if (raw.toString() === "PING") return; // the server's keep-alive
      const parsed = JSON.parse(raw.toString()) as { id?: unknown };
      if (parsed.id !== id) return;
      socket.off("message", onMessage);
      resolve(parsed);
    };
    socket.on("message", onMessage);
    socket.send(JSON.stringify(message));
  });
}

function closeEvent(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

describe("probes", () => {
  it("answers /healthz while the process is alive and /readyz when the database and bus answer", async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe("ok\n");

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ isReady: true, checks: { database: "ok", bus: "ok" } });
    expect(accountSubscriptions(server.bus)).toBe(0);
  });

  it("reports not ready per dependency, keeping why for the log (once per change)", async () => {
    const inner = createMemoryBus<TEscalationBusMessage>();
    let problem: string | null = "Can't reach Redis at 10.0.0.7:6379 (ECONNREFUSED)";
    const flakyBus: Bus<TEscalationBusMessage> = {
      ...inner,
      subscribe: (channel, options) =>
        problem === null ? inner.subscribe(channel, options) : Promise.reject(new Error(problem)),
    };
    const logs = createLogCapture();
    const replica = await startTestServer({ database, bus: flakyBus, logger: logs.logger });
    try {
      for (let probe = 0; probe < 3; probe += 1) {
        const ready = await fetch(`${replica.url}/readyz`);
        expect(ready.status).toBe(503);
        const body = await ready.text();
        expect(JSON.parse(body)).toEqual({ isReady: false, checks: { database: "ok", bus: "not ok" } });
        expect(body).not.toContain("10.0.0.7");
      }
      expect(logs.problems()).toEqual([
        expect.objectContaining({ msg: "readiness check failed", check: "bus", problem }),
      ]);

      problem = null;
      expect((await fetch(`${replica.url}/readyz`)).status).toBe(200);
      expect(logs.lines().filter((line) => line.msg === "readiness check recovered")).toHaveLength(1);
    } finally {
      await replica.close();
      await inner.close();
    }
  });
});

describe("HTTP keep-alive", () => {
  it("keeps an idle connection open past Node's 5 s default, so a proxy reusing it gets an answer", async () => {
    const socket = connect(Number(new URL(server.url).port), "127.0.0.1");
    let received = "";
    let isClosed = false;
    socket.on("data", (chunk) => {
      received += chunk.toString();
    });
    socket.on("close", () => {
      isClosed = true;
    });
    const answers = () => received.split("HTTP/1.1 200 OK").length - 1;
    const ask = async () => {
      const before = answers();
      socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      await vi.waitFor(() => expect(answers()).toBe(before + 1), { timeout: 10_000 });
    };
    try {
      await ask();
      await sleep(6_000);
      expect(isClosed).toBe(false);
      await ask();
    } finally {
      socket.destroy();
    }
  }, 30_000);
});

describe("the session cookie over HTTP", () => {
  it("is set httpOnly, SameSite=Lax, Path=/ with an expiry on login, works, and is cleared on logout", async () => {
    const loggedIn = await postProcedure(server.url, "auth.login", {
      email: account.engineer.email,
      password: "demo",
    });
    expect(loggedIn.status).toBe(200);
    const setCookie = loggedIn.headers.get("set-cookie") ?? "";
    const token = new RegExp(`^${AUTH_COOKIE_NAME}=([^;]+);`).exec(setCookie)?.[1];
    expect(token).toBeTruthy();
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).not.toContain("Secure");
    const expires = new Date(/Expires=([^;]+)/.exec(setCookie)?.[1] ?? "");
    expect(expires.getTime()).toBeGreaterThan(Date.now() + server.config.authSessionTtlMs - 60_000);
    // Cookie mode keeps the token out of the response body, away from scripts.
    expect(JSON.stringify(await loggedIn.json())).not.toContain(decodeURIComponent(token ?? "-"));

    const cookie = `${AUTH_COOKIE_NAME}=${token}`;
    const me = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ result: { data: { json: { email: account.engineer.email } } } });

    const loggedOut = await postProcedure(server.url, "auth.logout", undefined, { cookie });
    expect(loggedOut.status).toBe(200);
    expect(loggedOut.headers.get("set-cookie")).toMatch(new RegExp(`^${AUTH_COOKIE_NAME}=;.*Max-Age=0`));
    expect((await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie } })).status).toBe(401);
  });

  it("is Secure when the app origin is https", async () => {
    const secure = await startTestServer({
      database,
      appOrigins: ["https://handoff.example.com"],
      isSecureCookie: true,
    });
    try {
      const loggedIn = await postProcedure(secure.url, "auth.login", {
        email: account.engineer.email,
        password: "demo",
      });
      expect(loggedIn.headers.get("set-cookie")).toContain("; Secure");
    } finally {
      await secure.close();
    }
  });

  it("accepts a Bearer token from non-browser clients", async () => {
    const token = await login(server, account.engineer.email);
    const me = await fetch(`${server.url}/trpc/auth.me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
  });

  it("refuses tRPC calls from a foreign browser origin and oversize bodies", async () => {
    const foreign = await postProcedure(
      server.url,
      "auth.login",
      { email: account.engineer.email, password: "demo" },
      { origin: "https://evil.example" },
    );
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("set-cookie")).toBeNull();

    const sameOrigin = await postProcedure(
      server.url,
      "auth.login",
      { email: account.engineer.email, password: "demo" },
      { origin: TEST_APP_ORIGIN },
    );
    expect(sameOrigin.status).toBe(200);

    const oversize = await postProcedure(server.url, "auth.login", {
      email: "x@example.com",
      password: "p".repeat(8_000),
    });
    expect(oversize.status).toBe(413);
  });
});

describe("WebSocket upgrades", () => {
  it("refuses a browser page from a foreign origin", async () => {
    expect(await upgrade(server.wsUrl, { origin: "https://evil.example" })).toEqual({ status: 403 });
    expect(await upgrade(server.wsUrl, { origin: "null" })).toEqual({ status: 403 });
  });

  it("accepts the app's origin and non-browser clients (no Origin header)", async () => {
    for (const options of [{ origin: TEST_APP_ORIGIN }, {}]) {
      const result = await upgrade(server.wsUrl, options);
      expect(result.status).toBe("open");
      if (result.status === "open") result.socket.close();
    }
  });

  it("only upgrades at /trpc", async () => {
    expect(await upgrade(server.wsUrl.replace(/\/trpc$/, "/elsewhere"))).toEqual({ status: 404 });
  });

  it("answers an unauthenticated call with UNAUTHORIZED and keeps the socket open", async () => {
    const result = await upgrade(server.wsUrl);
    if (result.status !== "open") throw new Error(`upgrade refused: ${result.status}`);
    const response = await rpcQuery(result.socket, 1, "auth.me");
    expect(response).toMatchObject({ id: 1, error: { json: { data: { code: "UNAUTHORIZED" } } } });
    expect(result.socket.readyState).toBe(WebSocket.OPEN);
    result.socket.close();
  });

  it("authenticates from the upgrade's cookie or from connectionParams", async () => {
    const token = await login(server, account.senior.email);
    const withCookie = await upgrade(server.wsUrl, { headers: { cookie: `${AUTH_COOKIE_NAME}=${token}` } });
    const withParams = await upgrade(`${server.wsUrl}?connectionParams=1`);
    if (withCookie.status !== "open" || withParams.status !== "open") throw new Error("upgrade refused");
    withParams.socket.send(JSON.stringify({ method: "connectionParams", data: { token } }));

    for (const socket of [withCookie.socket, withParams.socket]) {
      const response = await rpcQuery(socket, 7, "auth.me");
      expect(response).toMatchObject({
        id: 7,
        result: { type: "data", data: { json: { email: account.senior.email } } },
      });
      socket.close();
    }
  });

  it("takes sockets on the second port (STREAM_PORT) under the same rules, closing it on stop and reopening it on start", async () => {
    const replica = await startTestServer({ database, streamPort: 0 });
    const streamWsUrl = replica.streamWsUrl as string;
    expect(new URL(streamWsUrl).port).not.toBe(String(replica.port));
    const token = await login(replica, account.senior.email);
    const signedIn = { headers: { cookie: `${AUTH_COOKIE_NAME}=${token}` } };
    try {
      expect(await upgrade(streamWsUrl, { origin: "https://evil.example" })).toEqual({ status: 403 });
      const result = await upgrade(streamWsUrl, signedIn);
      if (result.status !== "open") throw new Error(`upgrade refused: ${result.status}`);
      expect(await rpcQuery(result.socket, 1, "auth.me")).toMatchObject({
        result: { data: { json: { email: account.senior.email } } },
      });

      const closed = closeEvent(result.socket);
      await replica.stop();
      expect(await closed).toMatchObject({ code: 1012 });
      await expect(upgrade(streamWsUrl, signedIn)).rejects.toMatchObject({ code: "ECONNREFUSED" });

      await replica.start();
      const again = await upgrade(streamWsUrl, signedIn);
      expect(again.status).toBe("open");
      if (again.status === "open") again.socket.close();
    } finally {
      await replica.close();
    }
  });

  it("answers a query over a socket whose Host header does not parse as a URL", async () => {
    const token = await login(server, account.senior.email);
    const result = await upgrade(server.wsUrl, {
      headers: { host: "bad host[", cookie: `${AUTH_COOKIE_NAME}=${token}` },
    });
    if (result.status !== "open") throw new Error(`upgrade refused: ${result.status}`);
    const answer = (await rpcQuery(result.socket, 1, "auth.me")) as { result?: { type?: string } };
    expect(answer.result?.type).toBe("data");
    result.socket.close();
  });

  it("closes a socket that sends more than the payload limit (1009) and stays up for others", async () => {
    const logs = createLogCapture();
    const replica = await startTestServer({ database, wsMaxPayloadBytes: 4_096, logger: logs.logger });
    try {
      const result = await upgrade(replica.wsUrl);
      if (result.status !== "open") throw new Error(`upgrade refused: ${result.status}`);
      const closed = closeEvent(result.socket);
      result.socket.on("error", () => undefined);
      result.socket.send("x".repeat(replica.config.wsMaxPayloadBytes + 1));
      result.socket.send("x".repeat(replica.config.wsMaxPayloadBytes + 1));
      expect((await closed).code).toBe(1009);

      // A client can do this at will: one warning per connection, without a stack.
      expect(logs.problems()).toEqual([
        expect.objectContaining({
          level: 40,
          msg: "websocket error: connection closed",
          problem: "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH",
        }),
      ]);
      expect(JSON.stringify(logs.problems())).not.toContain("stack");

      const next = await upgrade(replica.wsUrl);
      expect(next.status).toBe("open");
      if (next.status === "open") next.socket.close();
    } finally {
      await replica.close();
    }
  });
});

describe("WebSocket keep-alive", () => {
  it("pings a silent socket, keeps one that answers, and cuts one that does not", async () => {
    const replica = await startTestServer({ database, wsKeepAlive: { pingMs: 150, pongWaitMs: 100 } });
    try {
      const token = await login(replica, account.senior.email);
      const headers = { cookie: `${AUTH_COOKIE_NAME}=${token}` };
      const [answering, silent] = await Promise.all([
        upgrade(replica.wsUrl, { headers }),
        upgrade(replica.wsUrl, { headers }),
      ]);
      if (answering.status !== "open" || silent.status !== "open") throw new Error("upgrade refused");
      let pingsAnswered = 0;
      answering.socket.on("message", (raw: Buffer) => {
        if (raw.toString() !== "PING") return;
        pingsAnswered += 1;
        answering.socket.send("PONG");
      });
      const silentPings: string[] = [];
      silent.socket.on("message", (raw: Buffer) => silentPings.push(raw.toString()));
      const silentClosed = closeEvent(silent.socket);

      await silentClosed;
      expect(silentPings).toEqual(["PING"]);
      await vi.waitFor(() => expect(pingsAnswered).toBeGreaterThanOrEqual(3), { timeout: 15_000 });
      expect(answering.socket.readyState).toBe(WebSocket.OPEN);
      // The client's own keep-alive is answered too.
      const pong = new Promise((resolve) =>
        answering.socket.once("message", (raw) => resolve(raw.toString())),
      );
      answering.socket.send("PING");
      expect(await pong).toBe("PONG");
      answering.socket.close();
    } finally {
      await replica.close();
    }
  });
});

/** The real service worker, as Vite copies it from apps/web/public into the build. */
const SERVICE_WORKER_SOURCE = new URL("../../web/public/sw.js", import.meta.url);

const SCRIPT = "console.log('app')";
const PAGE = "<!doctype html><title>Handoff</title>";

/** A file of the build with the brotli and gzip copies the web build writes beside it. */
async function writeWithCompressedCopies(file: string, text: string) {
  await writeFile(file, text);
  await writeFile(`${file}.br`, brotliCompressSync(text));
  await writeFile(`${file}.gz`, gzipSync(text));
}

describe("the web app's build", () => {
  let distDir: string;
  let web: TestServer;

  beforeAll(async () => {
    distDir = await mkdtemp(path.join(tmpdir(), "handoff-dist-"));
    await mkdir(path.join(distDir, "assets"));
    await writeWithCompressedCopies(path.join(distDir, "index.html"), PAGE);
    await writeWithCompressedCopies(path.join(distDir, "assets", "index-3f9a1c.js"), SCRIPT);
    await writeFile(path.join(distDir, "assets", "index-3f9a1c.css"), "body{}");
    // Vite's "hidden" source maps sit beside the assets in the build.
    await writeFile(path.join(distDir, "assets", "index-3f9a1c.js.map"), '{"sourcesContent":["secret"]}');
    await writeFile(path.join(distDir, "favicon.svg"), "<svg/>");
    await copyFile(SERVICE_WORKER_SOURCE, path.join(distDir, "sw.js"));
    await writeFile(path.join(distDir, ".env"), "SECRET=1");
    await writeFile(path.join(path.dirname(distDir), "handoff-outside.txt"), "outside");
    web = await startTestServer({ database, webDistDir: distDir });
  });
  afterAll(async () => {
    await web?.close();
    await rm(distDir, { recursive: true, force: true });
    await rm(path.join(path.dirname(distDir), "handoff-outside.txt"), { force: true });
  });

  /** What Chromium sends when it navigates to a page (an email link, a reload). */
  const NAVIGATION = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

  /** Raw GET, so paths reach the server exactly as written (fetch would normalise `..`); as a browser navigates. */
  function rawGet(
    pathname: string,
    method = "GET",
    headers: Record<string, string> = NAVIGATION,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: string; bytes: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request(`${web.url}${pathname}`, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString("utf8"), bytes });
        });
      });
      req.on("error", reject);
      req.end();
    });
  }

  it.each([
    "/",
    "/login",
    "/sessions",
    "/sessions/s_123",
    "/escalations",
    "/handoffs/h_42",
    "/invite",
    "/setup",
    "/settings/security",
    "/admin",
    "/admin/users",
    "/admin/psa",
    "/admin/audit",
    // The app's router shows its 404 page for what it does not know.
    "/unknown",
    "/sessions/s_1/extra",
  ])("answers a browser's request for the page %s with index.html, revalidated", async (route) => {
    const response = await rawGet(route);
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.headers["cache-control"]).toBe("no-cache");
    expect(response.body).toContain("<title>Handoff</title>");
  });

  it("serves the web build's service worker at the root (scope /) as JavaScript, revalidated every time", async () => {
    const worker = await rawGet("/sw.js");
    expect(worker.status).toBe(200);
    expect(worker.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(worker.headers["cache-control"]).toBe("no-cache");
    expect(worker.body).toBe(await readFile(SERVICE_WORKER_SOURCE, "utf8"));
    expect(worker.body).toContain('addEventListener("notificationclick"');
  });

  it("serves hashed assets as immutable with the right content types", async () => {
    const script = await rawGet("/assets/index-3f9a1c.js");
    expect(script.status).toBe(200);
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(script.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(script.body).toBe(SCRIPT);
    expect((await rawGet("/assets/index-3f9a1c.css")).headers["content-type"]).toBe(
      "text/css; charset=utf-8",
    );

    const icon = await rawGet("/favicon.svg");
    expect(icon.headers["content-type"]).toBe("image/svg+xml");
    expect(icon.headers["cache-control"]).toBe("public, max-age=0, must-revalidate");

    const head = await rawGet("/assets/index-3f9a1c.js", "HEAD");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers["content-length"]).toBe(String(SCRIPT.length));
  });

  it.each([
    { acceptEncoding: "gzip, deflate, br, zstd", encoding: "br", decode: brotliDecompressSync },
    { acceptEncoding: "gzip, deflate", encoding: "gzip", decode: gunzipSync },
  ])(
    "sends the build's $encoding copy of a script and a page to a browser that accepts $acceptEncoding",
    async ({ acceptEncoding, encoding, decode }) => {
      const script = await rawGet("/assets/index-3f9a1c.js", "GET", { "accept-encoding": acceptEncoding });
      expect(script.status).toBe(200);
      expect(script.headers).toMatchObject({
        "content-encoding": encoding,
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "public, max-age=31536000, immutable",
        vary: "Accept-Encoding",
      });
      expect(decode(script.bytes).toString("utf8")).toBe(SCRIPT);

      const page = await rawGet("/escalations", "GET", { ...NAVIGATION, "accept-encoding": acceptEncoding });
      expect(page.headers).toMatchObject({ "content-encoding": encoding, "cache-control": "no-cache" });
      expect(decode(page.bytes).toString("utf8")).toBe(PAGE);
    },
  );

  it("sends the file as it is to a client that takes no compression, or none the build has", async () => {
    for (const acceptEncoding of [undefined, "identity", "zstd"]) {
      const script = await rawGet(
        "/assets/index-3f9a1c.js",
        "GET",
        acceptEncoding ? { "accept-encoding": acceptEncoding } : {},
      );
      expect(script.headers["content-encoding"]).toBeUndefined();
      expect(script.headers.vary).toBe("Accept-Encoding");
      expect(script.body).toBe(SCRIPT);
    }
  });

  it.each(["/escalations", "/assets/index-3f9a1c.js", "/favicon.svg"])(
    "lets a browser revalidate %s with its ETag (304, no body)",
    async (pathname) => {
      const first = await rawGet(pathname);
      const etag = String(first.headers.etag ?? "");
      expect(etag).not.toBe("");
      const again = await rawGet(pathname, "GET", { ...NAVIGATION, "if-none-match": etag });
      expect(again.status).toBe(304);
      expect(again.body).toBe("");
    },
  );

  it.each([
    "/assets/missing.js",
    "/assets/missing",
    "/missing.js",
    "/trpc",
    "/trpc/no.such.procedure",
    "/assets",
    "/.env",
    "/../handoff-outside.txt",
    "/%2e%2e/handoff-outside.txt",
    "/assets/..%2f..%2fhandoff-outside.txt",
    "/%00index.html",
    "/assets/index-3f9a1c.js.map",
    "/assets/index-3f9a1c.js.m%61p",
  ])(
    "answers %s with a plain 404 and nothing from outside the build, even to a browser",
    async (pathname) => {
      const response = await rawGet(pathname);
      expect(response.status).toBe(404);
      expect(response.body).not.toContain("<title>Handoff</title>");
      if (!pathname.startsWith("/trpc")) {
        expect(response.headers["content-type"]).toBe("text/plain; charset=utf-8");
        expect(response.body).toBe("Not found\n");
      }
    },
  );

  it.each<Record<string, string>>([{}, { accept: "application/json" }, { accept: "image/webp,image/*" }])(
    "answers a request for an unknown path that does not take HTML (%o) with a plain 404",
    async (headers) => {
      const response = await rawGet("/unknown", "GET", headers);
      expect(response.status).toBe(404);
      expect(response.body).toBe("Not found\n");
    },
  );

  it("sends the security headers with the app, and no-store with every /trpc answer", async () => {
    const page = await rawGet("/");
    expect(page.status).toBe(200);
    const policy = String(page.headers["content-security-policy"]);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src 'self' ${TEST_APP_ORIGIN.replace("http", "ws")}`,
      "object-src 'none'",
      "base-uri 'self'",
      "frame-ancestors 'none'",
    ]) {
      expect(policy.split("; ")).toContain(directive);
    }
    expect(page.headers).toMatchObject({
      "x-frame-options": "DENY",
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
    });
    // Served over plain HTTP, with no proxy trusted to say otherwise: no HSTS.
    expect(page.headers["strict-transport-security"]).toBeUndefined();
    expect(
      (await rawGet("/", "GET", { "x-forwarded-proto": "https" })).headers["strict-transport-security"],
    ).toBe(undefined);

    const token = await login(web, account.engineer.email);
    const answer = await fetch(`${web.url}/trpc/auth.me`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.headers.get("content-security-policy")).toBe(policy);
  });

  it("sends HSTS when a trusted proxy says the app was reached over TLS", async () => {
    const proxied = await startTestServer({ database, webDistDir: distDir, isProxyTrusted: true });
    try {
      const hsts = async (headers: Record<string, string>) =>
        (await fetch(`${proxied.url}/`, { headers })).headers.get("strict-transport-security");
      expect(await hsts({ "x-forwarded-proto": "https" })).toBe("max-age=31536000; includeSubDomains");
      // Only the entry our own proxy appended counts.
      expect(await hsts({ "x-forwarded-proto": "https, http" })).toBeNull();
      expect(await hsts({})).toBeNull();
    } finally {
      await proxied.close();
    }
  });

  it("says how to build the app when there is no build", async () => {
    const unbuilt = await startTestServer({ database, webDistDir: path.join(distDir, "does-not-exist") });
    try {
      const response = await fetch(`${unbuilt.url}/escalations`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain("pnpm build");
    } finally {
      await unbuilt.close();
    }
  });
});

describe("graceful shutdown", () => {
  it("tells WebSocket clients to reconnect, closes their sockets and frees their subscriptions", async () => {
    const replica = await startTestServer({ database });
    try {
      const result = await upgrade(replica.wsUrl);
      if (result.status !== "open") throw new Error(`upgrade refused: ${result.status}`);
      const messages: string[] = [];
      result.socket.on("message", (raw: Buffer) => messages.push(raw.toString()));
      const closed = closeEvent(result.socket);

      const senior = createTestClient(replica, { token: await login(replica, account.senior.email) });
      const received: unknown[] = [];
      senior.escalation.onEvent.subscribe({}, { onData: (event) => received.push(event) });
      await vi.waitFor(() => expect(replica.bus.subscriberCount(account.account.id)).toBe(1), {
        timeout: 15_000,
      });

      await replica.stop();

      expect(replica.bus.subscriberCount()).toBe(0);
      expect(messages).toContainEqual(JSON.stringify({ id: null, method: "reconnect" }));
      expect(await closed).toEqual({ code: 1012, reason: "Server restarting" });
      await expect(fetch(`${replica.url}/healthz`)).rejects.toThrow();

      // Same port again: the client reconnects by itself and its subscription resumes.
      await replica.start();
      await vi.waitFor(() => expect(replica.bus.subscriberCount(account.account.id)).toBe(1), {
        timeout: 10_000,
      });
    } finally {
      await replica.close();
    }
    expect(replica.bus.subscriberCount()).toBe(0);
  });

  it("lets an in-flight request finish and refuses new connections", async () => {
    const inner = createMemoryBus<TEscalationBusMessage>();
    let releaseProbe = () => {};
    const probeHeld = new Promise<void>((resolve) => {
      releaseProbe = resolve;
    });
    let isProbeStarted = false;
    // A bus whose readiness probe blocks until the test releases it: a request held in flight. (The
    // process's listener for ended logins subscribes at start, unheld.)
    const slowBus: Bus<TEscalationBusMessage> = {
      ...inner,
      async subscribe(channel, options) {
        if (channel !== LOGINS_CHANNEL) {
          isProbeStarted = true;
          await probeHeld;
        }
        return inner.subscribe(channel, options);
      },
    };
    const replica = await startTestServer({ database, bus: slowBus, shutdownGraceMs: 5_000 });
    try {
      const inFlight = fetch(`${replica.url}/readyz`);
      await vi.waitFor(() => expect(isProbeStarted).toBe(true));

      let isClosed = false;
      const closing = replica.stop().then(() => {
        isClosed = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(isClosed).toBe(false);
      await expect(fetch(`${replica.url}/healthz`)).rejects.toThrow();

      releaseProbe();
      const response = await inFlight;
      expect(response.status).toBe(200);
      await closing;
      expect(isClosed).toBe(true);
    } finally {
      await replica.close();
      await inner.close();
    }
  });

  it("cuts a request that outlives the grace period", async () => {
    const inner = createMemoryBus<TEscalationBusMessage>();
    let isProbeStarted = false;
    const stuckBus: Bus<TEscalationBusMessage> = {
      ...inner,
      subscribe() {
        isProbeStarted = true;
        return new Promise(() => {});
      },
    };
    const replica = await startTestServer({ database, bus: stuckBus, shutdownGraceMs: 300 });
    try {
      const inFlight = fetch(`${replica.url}/readyz`).then(
        (response) => response.status,
        () => "cut",
      );
      await vi.waitFor(() => expect(isProbeStarted).toBe(true));
      const startedAt = Date.now();
      await replica.stop();
      expect(Date.now() - startedAt).toBeLessThan(3_000);
      // Readiness gives up after its own bound and answers 503, or the connection was cut: never 200.
      expect(await inFlight).not.toBe(200);
    } finally {
      await replica.close();
      await inner.close();
    }
  });
});
