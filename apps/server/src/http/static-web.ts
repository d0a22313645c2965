// Serves the web app's production build with sirv: files from the dist folder (ETag revalidation,
// hashed assets cached for good), and index.html for the app's routes (the SPA contract in
// DESIGN.md). Never serves anything outside the dist folder, nor dotfiles.
import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import sirv from "sirv";

/** The web app's routes; email links and tests rely on them. */
const APP_ROUTES = [
  /^\/$/,
  /^\/login$/,
  /^\/sessions$/,
  /^\/sessions\/[^/]+$/,
  /^\/escalations$/,
  /^\/handoffs\/[^/]+$/,
];

/** Vite puts content-hashed files under /assets/: a new build gets new names, so they never change. */
const IMMUTABLE_PREFIX = "/assets/";
const INDEX = "/index.html";
/** The service worker (apps/web/public/sw.js): its scope is the whole app, so it lives at the root. */
const SERVICE_WORKER = "/sw.js";
/** sirv's types come without a charset; these are text the browser must read as UTF-8. */
const UTF8_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

export function isAppRoute(pathname: string): boolean {
  return APP_ROUTES.some((route) => route.test(pathname));
}

function cacheControlFor(pathname: string): string {
  if (pathname.startsWith(IMMUTABLE_PREFIX)) return "public, max-age=31536000, immutable";
  // index.html names the current hashed assets, so browsers must revalidate it (cheap with its ETag).
  if (pathname === INDEX) return "no-cache";
  // Browsers check for a new service worker at most daily unless told to revalidate every time.
  if (pathname === SERVICE_WORKER) return "no-cache";
  return "public, max-age=0, must-revalidate";
}

export function sendPlain(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
  res.end(`${text}\n`);
}

/**
 * Answers GET/HEAD for the web app; returns false when the path is neither a file nor an app route.
 * The build's files are listed once, when the server starts: a new build needs a restart.
 */
export function createStaticWebHandler(options: { distDir: string }) {
  const distDir = path.resolve(options.distDir);
  const isBuilt = existsSync(path.join(distDir, "index.html"));
  const serve = isBuilt
    ? sirv(distDir, {
        etag: true,
        setHeaders(res, pathname) {
          res.setHeader("Cache-Control", cacheControlFor(pathname));
          res.setHeader("X-Content-Type-Options", "nosniff");
          const utf8Type = UTF8_TYPES[path.extname(pathname)];
          if (utf8Type) res.setHeader("Content-Type", utf8Type);
        },
      })
    : null;

  return function serveStaticWeb(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    const isRoute = isAppRoute(pathname);
    if (!serve) {
      if (isRoute) sendPlain(res, 503, "The web app is not built. Run `pnpm build` (or `pnpm start`).");
      return isRoute;
    }
    if (isRoute) req.url = INDEX;
    let isServed = true;
    serve(req, res, () => {
      isServed = false;
    });
    return isServed;
  };
}
