// The deploy files (Dockerfile, compose.yaml, deploy/Caddyfile, docs/deploy.md) checked against the
// server they deploy: no container engine runs here, so everything short of building the image is
// linted: every variable the replicas get is one the server reads, is documented, and passes its
// validation; every service named exists; the image runs as non-root, listens beyond loopback and
// has a health check; Caddy accepts its file.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { readdir, readFile } from "node:fs/promises";
import { createServer, get, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { parse } from "yaml";
import { CONFIG_ENV_KEYS, loadConfig } from "../src/config.ts";
import { LISTEN_BACKLOG } from "../src/create-app-server.ts";
import { CADDYFILE, isCaddyInstalled, startCaddy, validateCaddyfile } from "./support/caddy.ts";
import { argsOf, envOf, parseCopy, readDockerfile, stageNamed, type TStage } from "./support/dockerfile.ts";
import { freePort } from "./support/free-port.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const readRepoFile = (relative: string) => readFile(`${ROOT}${relative}`, "utf8");

type TComposeService = {
  build?: unknown;
  environment?: Record<string, string>;
  depends_on?: string[] | Record<string, unknown>;
  volumes?: string[];
  sysctls?: Record<string, number | string>;
};

/** What `.env` would hold: every variable compose.yaml asks for, with a valid value. */
const DOT_ENV: Record<string, string> = {
  POSTGRES_PASSWORD: randomBytes(16).toString("hex"),
  SECRETS_KEY: randomBytes(32).toString("base64"),
  LOGIN_DEVICE_SECRET: randomBytes(32).toString("hex"),
  HANDOFF_SITE: "handoff.example.com",
};

/** Compose's interpolation: ${NAME}, ${NAME:-default}, ${NAME:?error}; an empty value counts as unset. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g,
    (_match, name: string, kind, rest: string) => {
      const value = env[name];
      if (value !== undefined && value !== "") return value;
      if (kind === "-") return rest;
      if (kind === "?") throw new Error(`compose would refuse to start: ${rest}`);
      return "";
    },
  );
}

/** The variable names docs/operations.md's configuration tables document. */
function documentedVariables(readme: string): Set<string> {
  const section = readme.split("## Configuration")[1]?.split("\n## ")[0] ?? "";
  const firstCells = section
    .split("\n")
    .flatMap((line) => (line.startsWith("| `") ? [line.split("|")[1]] : []));
  return new Set(
    firstCells.flatMap((cell) => [...(cell ?? "").matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1] ?? "")),
  );
}

describe("deploy files", () => {
  let services: Record<string, TComposeService>;
  let handoffServices: Array<[string, TComposeService]>;
  let stages: TStage[];
  let caddyfile: string;

  beforeAll(async () => {
    const compose = parse(await readRepoFile("compose.yaml"), { merge: true }) as {
      services: Record<string, TComposeService>;
    };
    services = compose.services;
    handoffServices = Object.entries(services).filter(([, service]) => service.build !== undefined);
    stages = readDockerfile(await readRepoFile("Dockerfile"));
    caddyfile = await readFile(CADDYFILE, "utf8");
  });

  it("runs two Handoff replicas built from the Dockerfile, beside PostgreSQL, Redis and Caddy", () => {
    expect(handoffServices.map(([name]) => name)).toEqual(["handoff-1", "handoff-2"]);
    expect(Object.keys(services).sort()).toEqual(["caddy", "handoff-1", "handoff-2", "postgres", "redis"]);
  });

  it("gives the replicas only variables the server reads, each documented in docs/operations.md", async () => {
    const documented = documentedVariables(await readRepoFile("docs/operations.md"));
    for (const [, service] of handoffServices) {
      const names = Object.keys(service.environment ?? {});
      expect(names.filter((name) => !CONFIG_ENV_KEYS.includes(name))).toEqual([]);
      expect(names.filter((name) => !documented.has(name))).toEqual([]);
      expect(names).toEqual(expect.arrayContaining(["APP_ORIGIN", "SECRETS_KEY", "LOGIN_DEVICE_SECRET"]));
    }
  });

  it("lets the kernel queue as many connections for each replica as the server asks it to", () => {
    for (const [, service] of handoffServices) {
      expect(Number(service.sysctls?.["net.core.somaxconn"])).toBeGreaterThanOrEqual(LISTEN_BACKLOG);
    }
  });

  it("gives the replicas a configuration the server accepts, the same on both, with the site as origin", () => {
    const configs = handoffServices.map(([, service]) =>
      loadConfig(
        Object.fromEntries(
          Object.entries(service.environment ?? {}).map(([name, value]) => [
            name,
            interpolate(value, DOT_ENV),
          ]),
        ),
      ),
    );
    expect(configs[1]).toEqual(configs[0]);
    expect(configs[0]).toMatchObject({
      appOrigin: "https://handoff.example.com",
      isProxyTrusted: true,
      isSecureCookie: true,
      databaseUrl: expect.stringMatching(/^postgresql:\/\//),
      redisUrl: expect.stringMatching(/^redis:\/\//),
    });
    expect(configs[0]?.psa.secretsKey).not.toBeNull();
    expect(configs[0]?.loginProtection.deviceSecret).toBe(DOT_ENV.LOGIN_DEVICE_SECRET);
  });

  it("refuses to start without the secrets in .env", () => {
    const [, replica] = handoffServices[0] ?? [];
    for (const secret of ["POSTGRES_PASSWORD", "SECRETS_KEY", "LOGIN_DEVICE_SECRET"]) {
      const withoutIt = { ...DOT_ENV, [secret]: "" };
      expect(() =>
        Object.values(replica?.environment ?? {}).map((value) => interpolate(value, withoutIt)),
      ).toThrow(secret);
    }
  });

  it("names only services that exist: dependencies, database and Redis hosts, Caddy's upstreams", () => {
    const names = Object.keys(services);
    for (const service of Object.values(services)) {
      const dependencies = Array.isArray(service.depends_on)
        ? service.depends_on
        : Object.keys(service.depends_on ?? {});
      expect(dependencies.filter((name) => !names.includes(name))).toEqual([]);
    }
    const [, replica] = handoffServices[0] ?? [];
    const environment = replica?.environment ?? {};
    const hostOf = (url: string | undefined) => new URL(interpolate(url ?? "", DOT_ENV)).hostname;
    expect(names).toContain(hostOf(environment.DATABASE_URL));
    expect(names).toContain(hostOf(environment.REDIS_URL));

    const upstreamsIn = (placeholder: string) =>
      (services.caddy?.environment?.[placeholder] ?? "").split(/\s+/);
    const replicasOn = (port: "PORT" | "STREAM_PORT") =>
      handoffServices.map(([name, service]) => `${name}:${service.environment?.[port]}`);
    expect(upstreamsIn("HANDOFF_UPSTREAMS")).toEqual(replicasOn("PORT"));
    expect(upstreamsIn("HANDOFF_STREAM_UPSTREAMS")).toEqual(replicasOn("STREAM_PORT"));
  });

  it("runs Caddy on the Caddyfile, with every placeholder it reads set or defaulted", () => {
    expect(services.caddy?.volumes).toContain("./deploy/Caddyfile:/etc/caddy/Caddyfile:ro");
    const caddyEnvironment = services.caddy?.environment ?? {};
    const placeholders = [...caddyfile.matchAll(/\{\$([A-Z0-9_]+)(:[^}]*)?\}/g)];
    for (const [, name, fallback] of placeholders) {
      expect(name !== undefined && (name in caddyEnvironment || fallback !== undefined), name).toBe(true);
    }
    const read = new Set(placeholders.map(([, name]) => name));
    expect(Object.keys(caddyEnvironment).filter((name) => !read.has(name))).toEqual([]);
  });

  it("builds an image that runs as non-root, listens beyond loopback and checks /healthz", () => {
    const runtime = stages.at(-1) as TStage;
    const user = argsOf(runtime, "USER").at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(envOf(runtime).HOST).toBe("0.0.0.0");
    expect(argsOf(runtime, "HEALTHCHECK")).toEqual([expect.stringMatching(/\/healthz/)]);
    // The layout the compiled server needs beside it (docs/operations.md, "Production start").
    const copied = argsOf(runtime, "COPY").map((args) => parseCopy(args).destination);
    for (const path of ["./node_modules", "./prisma/migrations", "./apps/web/dist", "./apps/server/dist"]) {
      expect(copied).toContain(path);
    }
  });

  it("installs with the repo's pnpm, and production dependencies from every workspace manifest and patch", async () => {
    const { packageManager } = JSON.parse(await readRepoFile("package.json")) as { packageManager: string };
    const runs = stages.flatMap((stage) => argsOf(stage, "RUN"));
    expect(runs.some((args) => args.includes(`npm install --global ${packageManager}`))).toBe(true);

    const prodDeps = stageNamed(stages, "prod-deps");
    expect(argsOf(prodDeps, "RUN").some((args) => /pnpm install --prod --frozen-lockfile/.test(args))).toBe(
      true,
    );
    const copied = argsOf(prodDeps, "COPY").flatMap((args) => parseCopy(args).sources);
    const workspace = parse(await readRepoFile("pnpm-workspace.yaml")) as {
      packages: string[];
      patchedDependencies?: Record<string, string>;
    };
    for (const pattern of workspace.packages) {
      const parent = pattern.replace(/\/\*$/, "");
      for (const name of await readdir(`${ROOT}${parent}`)) {
        expect(copied).toContain(`${parent}/${name}/package.json`);
      }
    }
    // A frozen install fails without the patches the lockfile names.
    const isCopied = (file: string) =>
      copied.some((source) => file === source || file.startsWith(`${source.replace(/\/$/, "")}/`));
    for (const patch of Object.values(workspace.patchedDependencies ?? {})) {
      expect(isCopied(patch), patch).toBe(true);
    }
  });

  it("names in docs/deploy.md only variables that exist", async () => {
    const guide = await readRepoFile("docs/deploy.md");
    const named = new Set(
      [...guide.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+|HOST|PORT)`/g)].map((m) => m[1] ?? ""),
    );
    const known = new Set([
      ...CONFIG_ENV_KEYS,
      ...Object.keys(DOT_ENV),
      ...Object.keys(services.caddy?.environment ?? {}),
    ]);
    expect([...named].filter((name) => !known.has(name))).toEqual([]);
    for (const essential of ["APP_ORIGIN", "SECRETS_KEY", "LOGIN_DEVICE_SECRET", "TRUST_PROXY"]) {
      expect(named).toContain(essential);
    }
  });
});

describe.runIf(await isCaddyInstalled())("the Caddyfile", () => {
  it("is valid as compose runs it, and as the cluster test runs it", async () => {
    expect(await validateCaddyfile({})).toContain("Valid configuration");
    expect(
      await validateCaddyfile({
        HANDOFF_SITE: "http://127.0.0.1:8080",
        HANDOFF_UPSTREAMS: "127.0.0.1:3001 127.0.0.1:3002",
        HANDOFF_STREAM_UPSTREAMS: "127.0.0.1:3101 127.0.0.1:3102",
      }),
    ).toContain("Valid configuration");
  });

  // Caddy's round_robin can find no upstream when only some are up and requests arrive together (two
  // selections interleave and one sees only the down ones), and Caddy 2.6 answers a POST that finds
  // none at once, with an empty 503: an escalation refused while a replica was ready to take it.
  // 6,000 requests through Caddy: about 6 s alone, several times that beside the rest of the suite.
  it("sends every request to the one replica still ready, however many arrive at once", {
    timeout: 120_000,
  }, async () => {
    const upstream = (isReady: boolean) =>
      new Promise<Server>((resolve) => {
        const server = createServer((req, res) => {
          req.resume();
          res.writeHead(isReady ? 200 : 503).end(isReady ? "ready" : "not ready");
        }).listen(0, "127.0.0.1", () => resolve(server));
      });
    const replicas = await Promise.all([...Array.from({ length: 7 }, () => upstream(false)), upstream(true)]);
    const hostOf = (server: Server) => {
      const address = server.address();
      return typeof address === "object" && address ? `127.0.0.1:${address.port}` : "";
    };
    const caddy = await startCaddy({
      siteUrl: `http://127.0.0.1:${await freePort()}`,
      upstreams: replicas.map(hostOf),
    });
    try {
      const post = async () => {
        const response = await fetch(`${caddy.url}/trpc/handoff.escalate`, { method: "POST", body: "{}" });
        return `${response.status} ${await response.text()}`;
      };
      // Until its first health checks have taken the seven out (they run at start, then every 2 s).
      await vi.waitFor(
        async () => {
          for (let n = 0; n < 16; n += 1) expect(await post()).toBe("200 ready");
        },
        { timeout: 10_000, interval: 200 },
      );
      const answers = new Map<string, number>();
      for (let round = 0; round < 20; round += 1) {
        for (const answer of await Promise.all(Array.from({ length: 300 }, post))) {
          answers.set(answer, (answers.get(answer) ?? 0) + 1);
        }
      }
      expect(Object.fromEntries(answers)).toEqual({ "200 ready": 6_000 });
    } finally {
      await caddy.stop();
      for (const replica of replicas) replica.close();
    }
  });

  it("sends WebSocket upgrades to the replicas' stream ports and everything else to their main ports", async () => {
    const listening = (server: Server) =>
      new Promise<string>((resolve) =>
        server.listen(0, "127.0.0.1", () => {
          const address = server.address();
          resolve(typeof address === "object" && address ? `127.0.0.1:${address.port}` : "");
        }),
      );
    const answeringWith = (text: string) =>
      createServer((req, res) => {
        req.resume();
        res.writeHead(200).end(text);
      });
    const main = answeringWith("main");
    main.on("upgrade", (_req, socket) => socket.destroy());
    const stream = answeringWith("stream");
    const streamSockets = new WebSocketServer({ server: stream });
    streamSockets.on("connection", (socket) => socket.send("on the stream port"));
    const caddy = await startCaddy({
      siteUrl: `http://127.0.0.1:${await freePort()}`,
      upstreams: [await listening(main)],
      streamUpstreams: [await listening(stream)],
    });
    try {
      for (const path of ["/trpc/handoff.escalate", "/trpc", "/readyz"]) {
        const answer = await fetch(`${caddy.url}${path}`, { method: "POST", body: "{}" });
        expect(await answer.text()).toBe("main");
      }
      const socket = new WebSocket(`${caddy.url.replace(/^http/, "ws")}/trpc`);
      const [greeting] = await once(socket, "message");
      expect(String(greeting)).toBe("on the stream port");
      socket.close();
    } finally {
      await caddy.stop();
      streamSockets.close();
      main.close();
      stream.close();
    }
  });

  it("compresses the API's answers for a browser that takes it, and passes the build's compressed files on as they are", async () => {
    const json = JSON.stringify({
      result: { data: { log: "Get-MailboxPermission -Identity shared ".repeat(100) } },
    });
    const script = "console.log('the queue');".repeat(100);
    const replica = await new Promise<Server>((resolve) => {
      const server = createServer((req, res) => {
        req.resume();
        if (req.url?.startsWith("/assets/")) {
          res.writeHead(200, { "Content-Type": "text/javascript", "Content-Encoding": "br" });
          res.end(brotliCompressSync(script));
        } else {
          res.writeHead(200, { "Content-Type": "application/json" }).end(json);
        }
      }).listen(0, "127.0.0.1", () => resolve(server));
    });
    const address = replica.address();
    const caddy = await startCaddy({
      siteUrl: `http://127.0.0.1:${await freePort()}`,
      upstreams: [typeof address === "object" && address ? `127.0.0.1:${address.port}` : ""],
    });
    /** The answer's bytes as they came over the wire, undecoded. */
    const rawGet = (path: string, acceptEncoding?: string) =>
      new Promise<{ encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
        const headers = acceptEncoding ? { "accept-encoding": acceptEncoding } : {};
        get(`${caddy.url}${path}`, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({ encoding: res.headers["content-encoding"], bytes: Buffer.concat(chunks) }),
          );
        }).on("error", reject);
      });
    try {
      const api = await rawGet("/trpc/session.get", "gzip, deflate, br");
      expect(api.encoding).toBe("gzip");
      expect(gunzipSync(api.bytes).toString("utf8")).toBe(json);
      expect(api.bytes.length).toBeLessThan(json.length / 4);

      const plain = await rawGet("/trpc/session.get");
      expect(plain.encoding).toBeUndefined();
      expect(plain.bytes.toString("utf8")).toBe(json);

      const asset = await rawGet("/assets/index-3f9a1c.js", "gzip, deflate, br");
      expect(asset.encoding).toBe("br");
      expect(brotliDecompressSync(asset.bytes).toString("utf8")).toBe(script);
    } finally {
      await caddy.stop();
      replica.close();
    }
  });
});
