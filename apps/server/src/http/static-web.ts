// Serves the web app's production build: files from the dist folder, and index.html for the app's
// routes (the SPA contract in DESIGN.md). Never serves anything outside the dist folder.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

/** The web app's routes; email links and tests rely on them. */
const APP_ROUTES = [
  /^\/$/,
  /^\/login$/,
  /^\/sessions$/,
  /^\/sessions\/[^/]+$/,
  /^\/escalations$/,
  /^\/handoffs\/[^/]+$/,
];

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".mp3": "audio/mpeg",
  ".wav": "audio/wav",
  ".ogg": "audio/ogg",
};

/** Vite puts content-hashed files under /assets/: a new build gets new names, so they never change. */
const IMMUTABLE_PREFIX = "/assets/";

export function isAppRoute(pathname: string): boolean {
  return APP_ROUTES.some((route) => route.test(pathname));
}

async function fileAt(filePath: string): Promise<{ size: number } | null> {
  try {
    const stats = await stat(filePath);
    return stats.isFile() ? { size: stats.size } : null;
  } catch {
    return null;
  }
}

function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  filePath: string,
  size: number,
  cacheControl: string,
) {
  res.writeHead(200, {
    "Content-Type": CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? "application/octet-stream",
    "Content-Length": size,
    "Cache-Control": cacheControl,
    "X-Content-Type-Options": "nosniff",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  createReadStream(filePath)
    .on("error", (error) => res.destroy(error))
    .pipe(res);
}

export function sendPlain(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
  res.end(`${text}\n`);
}

/** Answers GET/HEAD for the web app; returns false when the path is neither a file nor an app route. */
export function createStaticWebHandler(options: { distDir: string }) {
  const distDir = path.resolve(options.distDir);

  return async function serveStaticWeb(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
  ): Promise<boolean> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      sendPlain(res, 400, "Bad request");
      return true;
    }

    if (isAppRoute(decoded)) {
      const indexPath = path.join(distDir, "index.html");
      const index = await fileAt(indexPath);
      if (!index) {
        sendPlain(
          res,
          503,
          "The web app is not built. Run `pnpm --filter @handoff/web build` (or `pnpm start`).",
        );
        return true;
      }
      // index.html names the current hashed assets, so browsers must revalidate it.
      sendFile(req, res, indexPath, index.size, "no-cache");
      return true;
    }

    // Resolving inside distDir and checking the prefix defeats `..`, encoded `%2e%2e` and NUL tricks.
    const filePath = path.resolve(distDir, `.${decoded}`);
    const isHidden = decoded.split("/").some((segment) => segment.startsWith("."));
    if (isHidden || decoded.includes("\0") || !filePath.startsWith(distDir + path.sep)) return false;
    const file = await fileAt(filePath);
    if (!file) return false;
    const isImmutable = decoded.startsWith(IMMUTABLE_PREFIX);
    sendFile(
      req,
      res,
      filePath,
      file.size,
      isImmutable ? "public, max-age=31536000, immutable" : "public, max-age=0, must-revalidate",
    );
    return true;
  };
}
