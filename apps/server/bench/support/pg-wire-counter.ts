// A TCP relay in front of PostgreSQL that reads what clients send (the frontend protocol) and
// counts it: statements (each Execute of the extended protocol, each simple Query) and round trips
// (each Sync or simple Query: the client then waits for the server's ReadyForQuery). Bytes pass
// through unchanged; for counting only, not for timing (the extra hop costs each round trip).
import { createServer, type Socket, connect as tcpConnect } from "node:net";

export type TWireCounts = { statements: number; roundTrips: number; texts: string[] };

export type PgWireCounter = {
  /** `postgres://…` pointing at the relay instead of `databaseUrl`'s server. */
  readonly url: string;
  /** Counts since the relay started; `texts`: the SQL of each statement run, in order. */
  readonly counts: TWireCounts;
  close(): Promise<void>;
};

/** The code of a startup-phase request that comes before the StartupMessage (SSL, GSS encryption). */
const PRE_STARTUP_CODES = new Set([80877103, 80877104]);

/** Reads the frontend messages from a client's byte stream, chunk by chunk. */
function frontendReader(onMessage: (type: string, body: Buffer) => void) {
  let pending = Buffer.alloc(0);
  let isStartup = true;
  return (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      // Startup messages have no type byte: a length, then a code or a protocol version.
      const header = isStartup ? 4 : 5;
      if (pending.length < header) return;
      const length = pending.readInt32BE(header - 4);
      const total = length + header - 4;
      if (pending.length < total) return;
      if (isStartup) {
        isStartup = PRE_STARTUP_CODES.has(pending.readInt32BE(4));
      } else {
        onMessage(String.fromCharCode(pending[0] as number), pending.subarray(5, total));
      }
      pending = pending.subarray(total);
    }
  };
}

/** The first `count` NUL-terminated strings of a message body. */
function cStrings(body: Buffer, count: number): string[] {
  const strings: string[] = [];
  let start = 0;
  while (strings.length < count) {
    const end = body.indexOf(0, start);
    strings.push(body.toString("utf8", start, end));
    start = end + 1;
  }
  return strings;
}

export async function startPgWireCounter(databaseUrl: string): Promise<PgWireCounter> {
  const target = new URL(databaseUrl);
  const counts: TWireCounts = { statements: 0, roundTrips: 0, texts: [] };
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    // This connection's prepared statements by name ("" the unnamed one), and what the next Execute runs.
    const prepared = new Map<string, string>();
    let bound = "";
    const read = frontendReader((type, body) => {
      if (type === "E" || type === "Q") counts.statements += 1;
      if (type === "S" || type === "Q") counts.roundTrips += 1;
      // Parse: a statement name, then its SQL. Bind: a portal name, then the statement's name.
      if (type === "P") {
        const [name = "", sql = ""] = cStrings(body, 2);
        prepared.set(name, sql);
      }
      if (type === "B") bound = prepared.get(cStrings(body, 2)[1] ?? "") ?? "";
      if (type === "E") counts.texts.push(bound);
      if (type === "Q") counts.texts.push(body.toString("utf8", 0, body.length - 1));
    });
    client.on("data", (chunk: Buffer) => {
      read(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(typeof address === "object" && address ? address.port : 0);
  return {
    url: url.toString(),
    counts,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
