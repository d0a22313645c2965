// A local stand-in for a browser's push service (what FCM or Mozilla's autopush are to real
// browsers), so tests drive the real `web-push` library end to end: it serves HTTPS with a
// self-signed test certificate (web-push only speaks HTTPS; `agent` trusts it), records every POST,
// and answers as told per endpoint (201, 410, 429 with Retry-After…). `createTestBrowser` plays the
// browser: a P-256 key pair and auth secret made as a browser makes them, and RFC 8291 decryption
// of what arrives, written here from the RFC rather than with the library under test.
import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  hkdfSync,
  randomBytes,
  randomUUID,
  verify,
} from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { Agent, createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";

const TLS_DIR = new URL("./tls/", import.meta.url);
const cert = readFileSync(new URL("push-service-stand-in.cert.pem", TLS_DIR));
const key = readFileSync(new URL("push-service-stand-in.key.pem", TLS_DIR));

export type TPushRequest = {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  at: number;
};

export type TPushAnswer = { status: number; retryAfter?: string };

export type PushServiceStandIn = {
  /** host:port, to allow it as a push service (PUSH_SERVICE_HOSTS). */
  host: string;
  /** Trusts the stand-in's certificate (and only it). */
  agent: Agent;
  received: TPushRequest[];
  receivedAt(endpoint: string): TPushRequest[];
  /** How the next requests to `endpoint` are answered, in order; after them, 201. */
  answer(endpoint: string, ...answers: TPushAnswer[]): void;
  newEndpoint(): string;
  close(): Promise<void>;
};

export async function startPushServiceStandIn(): Promise<PushServiceStandIn> {
  const received: TPushRequest[] = [];
  const answers = new Map<string, TPushAnswer[]>();
  const server: Server = createServer({ cert, key }, async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? "/";
    received.push({ path, headers: req.headers, body: Buffer.concat(chunks), at: Date.now() });
    const next = answers.get(path)?.shift() ?? { status: 201 };
    res.writeHead(next.status, {
      ...(next.status === 201 && { location: `https://${host}/messages/${randomUUID()}` }),
      ...(next.retryAfter !== undefined && { "retry-after": next.retryAfter }),
    });
    res.end(next.status === 201 ? "" : `stand-in answered ${next.status}`);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new Agent({ ca: cert, keepAlive: false });
  const pathOf = (endpoint: string) => new URL(endpoint).pathname;
  return {
    host,
    agent,
    received,
    receivedAt: (endpoint) => received.filter((request) => request.path === pathOf(endpoint)),
    answer(endpoint, ...next) {
      answers.set(pathOf(endpoint), next);
    },
    newEndpoint: () => `https://${host}/push/${randomUUID()}`,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type TestBrowser = {
  /** What PushSubscription.toJSON() gives the web app. */
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  /** RFC 8291 / RFC 8188 (aes128gcm) decryption of a push message body, parsed as JSON. */
  decrypt(body: Buffer): unknown;
};

/** A browser's side of a push subscription: its own key pair and auth secret. */
export function createTestBrowser(endpoint: string): TestBrowser {
  const ecdh = createECDH("prime256v1");
  const uaPublic = ecdh.generateKeys();
  const authSecret = randomBytes(16);
  return {
    subscription: {
      endpoint,
      keys: { p256dh: uaPublic.toString("base64url"), auth: authSecret.toString("base64url") },
    },
    decrypt(body) {
      // RFC 8188 header: salt (16) | record size (4) | key id length (1) | key id (the sender's key).
      const salt = body.subarray(0, 16);
      const idLength = body.readUInt8(20);
      const asPublic = body.subarray(21, 21 + idLength);
      const record = body.subarray(21 + idLength);
      // RFC 8291 section 3.4: the shared secret, mixed with the auth secret and both public keys.
      const ecdhSecret = ecdh.computeSecret(asPublic);
      const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), uaPublic, asPublic]);
      const ikm = Buffer.from(hkdfSync("sha256", ecdhSecret, authSecret, keyInfo, 32));
      const cek = Buffer.from(
        hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16),
      );
      const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
      const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
      decipher.setAuthTag(record.subarray(record.length - 16));
      const padded = Buffer.concat([
        decipher.update(record.subarray(0, record.length - 16)),
        decipher.final(),
      ]);
      // The last record ends with the delimiter 0x02 and optional zero padding.
      const end = padded.lastIndexOf(2);
      if (end === -1 || padded.subarray(end + 1).some((byte) => byte !== 0)) throw new Error("bad padding");
      return JSON.parse(padded.subarray(0, end).toString("utf8"));
    },
  };
}

export type TVapidClaims = { aud: string; exp: number; sub: string };

/**
 * Checks `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292): the JWT is ES256-signed by the
 * key in `k`. Returns the key and the JWT's claims; throws if the signature does not verify.
 */
export function readVapidAuthorization(header: string | string[] | undefined): {
  publicKey: string;
  claims: TVapidClaims;
} {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(String(header ?? ""));
  if (!match) throw new Error(`not a VAPID Authorization header: ${String(header)}`);
  const [, token = "", publicKey = ""] = match;
  const [head = "", claims = "", signature = ""] = token.split(".");
  const raw = Buffer.from(publicKey, "base64url");
  const jwk = {
    kty: "EC",
    crv: "P-256",
    x: raw.subarray(1, 33).toString("base64url"),
    y: raw.subarray(33, 65).toString("base64url"),
  };
  const isValid = verify(
    "sha256",
    Buffer.from(`${head}.${claims}`),
    { key: createPublicKey({ key: jwk, format: "jwk" }), dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
  if (!isValid) throw new Error("the VAPID JWT's signature does not verify with its k= key");
  return { publicKey, claims: JSON.parse(Buffer.from(claims, "base64url").toString("utf8")) };
}
