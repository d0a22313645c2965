// The two browser legs of single sign-on. POST /auth/sso/start (the login page's form: an email or
// the account's sign-in name) sends the browser on to the account's identity provider; GET /auth/sso/callback
// is where the provider sends the browser back, and ends with the same session cookie a password
// sign-in sets. A refusal goes back to /login?sso_error=<code>, never with text from the request.
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type ApiDeps,
  beginSsoSignIn,
  finishSsoSignIn,
  type Logger,
  SSO_CALLBACK_PATH,
  SSO_START_FIELD,
  SSO_START_PATH,
  SsoRefusedError,
  type TSsoRefusal,
} from "@handoff/api";
import { stringifySetCookie } from "cookie";
import { clientIpOf } from "./client-address.ts";
import { appendSetCookie, readCookie, serializeAuthCookie } from "./cookies.ts";
import { isOriginAllowed } from "./origin-policy.ts";
import { sendPlain } from "./static-web.ts";

const FLOW_COOKIE_NAME = "handoff_sso_flow";
const MAX_FORM_BYTES = 4_096;

type TSsoRoutesOptions = {
  /** The deps for one request: their logger carries its request id, as the procedures' does. */
  depsOf(req: IncomingMessage): ApiDeps;
  appOrigins: readonly string[];
  isSecureCookie: boolean;
  isProxyTrusted: boolean;
};

/** Answers the SSO paths; returns false for any other path. */
export function createSsoRoutes(options: TSsoRoutesOptions) {
  // Only the callback reads it; SameSite=Lax still sends it on the provider's top-level redirect back.
  function flowCookie(value: string | null): string {
    return stringifySetCookie({
      name: FLOW_COOKIE_NAME,
      value: value ?? "",
      path: SSO_CALLBACK_PATH,
      httpOnly: true,
      sameSite: "lax",
      secure: options.isSecureCookie,
      maxAge: value ? 600 : 0,
    });
  }

  function redirect(res: ServerResponse, location: string) {
    res.writeHead(303, { Location: location, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });
    res.end();
  }

  function refuse(res: ServerResponse, logger: Logger, error: unknown, leg: "start" | "callback") {
    const refusal: TSsoRefusal = error instanceof SsoRefusedError ? error.refusal : "unavailable";
    if (error instanceof SsoRefusedError) logger.info({ leg, refusal, reason: error.message }, "sso refused");
    else logger.error({ err: error, leg }, "sso failed");
    redirect(res, `/login?sso_error=${refusal}`);
  }

  /**
   * Browsers say where a form was posted from: Sec-Fetch-Site, or else Origin. Under the app's
   * `Referrer-Policy: no-referrer` a same-origin form's Origin is "null", so Sec-Fetch-Site decides
   * where it is sent; without it, an allowed Origin is required.
   */
  function isFromThisApp(req: IncomingMessage): boolean {
    const site = req.headers["sec-fetch-site"];
    if (site !== undefined) return site === "same-origin";
    return req.headers.origin !== undefined && isOriginAllowed(req, options.appOrigins);
  }

  async function start(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== "POST") return sendPlain(res, 405, "Use the sign-in form.");
    // Another site must not be able to start a sign-in in this browser (login CSRF).
    if (!isFromThisApp(req)) return sendPlain(res, 403, "Origin not allowed");
    const form = await readForm(req);
    if (!form) return sendPlain(res, 400, "Expected a small form.");
    const deps = options.depsOf(req);
    try {
      const begun = await beginSsoSignIn(deps, {
        identifier: form.get(SSO_START_FIELD) ?? "",
        next: form.get("next"),
      });
      appendSetCookie(res, flowCookie(begun.sealedFlow));
      sendOnwardPage(res, begun.redirectTo.href);
    } catch (error) {
      refuse(res, deps.logger, error, "start");
    }
  }

  async function callback(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== "GET") return sendPlain(res, 405, "Method not allowed");
    // Spent whatever happens: the same callback URL never works twice in this browser.
    appendSetCookie(res, flowCookie(null));
    const deps = options.depsOf(req);
    try {
      const signedIn = await finishSsoSignIn(deps, {
        callbackUrl: new URL(req.url ?? SSO_CALLBACK_PATH, deps.appOrigin),
        sealedFlow: readCookie(req, FLOW_COOKIE_NAME),
        client: { ip: clientIpOf(req, options), userAgent: req.headers["user-agent"] ?? null },
      });
      appendSetCookie(
        res,
        serializeAuthCookie(
          { token: signedIn.token, expiresAt: signedIn.expiresAt },
          { isSecure: options.isSecureCookie },
        ),
      );
      deps.logger.info({ userId: signedIn.viewer.id, accountId: signedIn.viewer.accountId }, "sso signed in");
      redirect(res, signedIn.next ?? "/");
    } catch (error) {
      refuse(res, deps.logger, error, "callback");
    }
  }

  return async function handleSso(req: IncomingMessage, res: ServerResponse, pathname: string) {
    if (pathname === SSO_START_PATH) await start(req, res);
    else if (pathname === SSO_CALLBACK_PATH) await callback(req, res);
    else return false;
    return true;
  };
}

/**
 * A page that moves on to `href` by itself. The app's Content-Security-Policy has `form-action
 * 'self'`, which browsers also apply to a form submission's redirects: a redirect from the sign-in
 * form to the provider would be blocked, a navigation from this page is not.
 */
function sendOnwardPage(res: ServerResponse, href: string) {
  const url = escapeHtml(href);
  res.writeHead(200, {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
  });
  res.end(
    `<!doctype html><meta http-equiv="refresh" content="0;url=${url}"><title>Signing in…</title>` +
      `<p>Taking you to your organisation's sign-in page… <a href="${url}">Continue</a></p>`,
  );
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  if (!req.headers["content-type"]?.startsWith("application/x-www-form-urlencoded")) return null;
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
