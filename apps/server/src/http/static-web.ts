// Serves the web app's production build with sirv: files from the dist folder (ETag revalidation,
// hashed assets cached for good, the build's brotli or gzip copy to a browser that takes one), and
// index.html for every page a browser asks for (the SPA contract in DESIGN.md): the web app's router
// decides what a path shows, its own 404 page included, so no list of routes is kept here. A path
// that names a file (it has an extension, or is under /assets/) is a file or a real 404, never the
// app. Never serves anything outside the dist folder, nor dotfiles, nor source maps.
import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import sirv from "sirv";

/** The API's namespace (served before this handler): never a page, even for a browser. */
const API_PREFIX = "/trpc";
/** Vite puts content-hashed files under /assets/: a new build gets new names, so they never change. */
const ASSETS_DIR = "/assets";
const INDEX = "/index.html";
const SOURCE_MAP_SUFFIX = ".map";
/** The service worker (apps/web/public/sw.js): its scope is the whole app, so it lives at the root. */
const SERVICE_WORKER = "/sw.js";
/** sirv's types come without a charset; these are text the browser must read as UTF-8. */
const UTF8_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

function isUnder(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

/** A page of the web app: not a file, not the API, and asked for by something that reads HTML. */
function isPageRequest(req: IncomingMessage, pathname: string): boolean {
  // App paths never hold a dot in their last segment (ids are uuids); files (and dotfiles) do.
  const isFile = isUnder(pathname, ASSETS_DIR) || pathname.slice(pathname.lastIndexOf("/")).includes(".");
  return !isFile && !isUnder(pathname, API_PREFIX) && acceptsHtml(req.headers.accept);
}

/** Browsers navigating send text/html; a client that takes anything (curl's *\/*) gets the page too. */
function acceptsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept
    .split(",")
    .map((part) => part.split(";")[0]?.trim().toLowerCase())
    .some((type) => type === "text/html" || type === "text/*" || type === "*/*");
}

/** Also spelled with percent-escapes, which sirv decodes. */
function isSourceMap(pathname: string): boolean {
  try {
    return decodeURIComponent(pathname).endsWith(SOURCE_MAP_SUFFIX);
  } catch {
    return pathname.endsWith(SOURCE_MAP_SUFFIX);
  }
}

function cacheControlFor(pathname: string): string {
  if (pathname.startsWith(`${ASSETS_DIR}/`)) return "public, max-age=31536000, immutable";
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
 * Answers GET/HEAD for the web app; returns false when the path is neither a file nor a page.
 * The build's files are listed once, when the server starts: a new build needs a restart.
 */
export function createStaticWebHandler(options: { distDir: string }) {
  const distDir = path.resolve(options.distDir);
  const isBuilt = existsSync(path.join(distDir, "index.html"));
  const serve = isBuilt
    ? sirv(distDir, {
        etag: true,
        // The build writes a .br and a .gz beside each script, style sheet and page (vite.config.ts):
        // compressed once at build time, not per request, and a third of the bytes or less.
        brotli: true,
        gzip: true,
        setHeaders(res, pathname) {
          res.setHeader("Cache-Control", cacheControlFor(pathname));
          res.setHeader("X-Content-Type-Options", "nosniff");
          const utf8Type = UTF8_TYPES[path.extname(pathname)];
          if (utf8Type) res.setHeader("Content-Type", utf8Type);
        },
      })
    : null;

  return function serveStaticWeb(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    // The build's source maps (vite's "hidden" maps, for error tools) hold the full sources.
    if (isSourceMap(pathname)) return false;
    const isPage = isPageRequest(req, pathname);
    if (!serve) {
      if (isPage) sendPlain(res, 503, "The web app is not built. Run `pnpm build` (or `pnpm start`).");
      return isPage;
    }
    if (isPage) req.url = INDEX;
    let isServed = true;
    serve(req, res, () => {
      isServed = false;
    });
    return isServed;
  };
}
