// Reads the tokens a request carries and writes the session and known-device cookies. Both are
// httpOnly (scripts never see them) and SameSite=Lax (not sent on cross-site POSTs, which blocks CSRF).
import type { IncomingMessage, ServerResponse } from "node:http";
import { AUTH_COOKIE_NAME, DEVICE_COOKIE_NAME } from "@handoff/api";
import { parseCookie, type SetCookie, stringifySetCookie } from "cookie";
import { hasBearerToken } from "./origin-policy.ts";

export type TAuthCookie = { token: string; expiresAt: Date } | null;

/** Long enough to recognise a device that signs in now and then. */
const DEVICE_COOKIE_MAX_AGE_S = 180 * 24 * 60 * 60;

export function readCookie(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  return (header && parseCookie(header)[name]) || null;
}

/**
 * The session cookie, or an `Authorization: Bearer` token from a non-browser client (a CLI).
 * Bearer tokens are safe from CSRF because browsers never attach them on their own.
 */
export function authTokenFromRequest(req: IncomingMessage): string | null {
  if (hasBearerToken(req)) return req.headers.authorization?.slice("Bearer ".length).trim() || null;
  return readCookie(req, AUTH_COOKIE_NAME);
}

export function deviceTokenFromRequest(req: IncomingMessage): string | null {
  return readCookie(req, DEVICE_COOKIE_NAME);
}

/** A `Set-Cookie` value that stores the token, or clears it when `cookie` is null. */
export function serializeAuthCookie(cookie: TAuthCookie, options: { isSecure: boolean }): string {
  const attributes: Omit<SetCookie, "name" | "value"> = {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: options.isSecure,
  };
  if (!cookie)
    return stringifySetCookie({
      name: AUTH_COOKIE_NAME,
      value: "",
      ...attributes,
      maxAge: 0,
      expires: new Date(0),
    });
  return stringifySetCookie({
    name: AUTH_COOKIE_NAME,
    value: cookie.token,
    ...attributes,
    expires: cookie.expiresAt,
  });
}

/** Only sign-ins read it, so it travels only to /trpc. */
export function serializeDeviceCookie(deviceToken: string, options: { isSecure: boolean }): string {
  return stringifySetCookie({
    name: DEVICE_COOKIE_NAME,
    value: deviceToken,
    path: "/trpc",
    httpOnly: true,
    sameSite: "lax",
    secure: options.isSecure,
    maxAge: DEVICE_COOKIE_MAX_AGE_S,
  });
}

/** Adds a cookie to the response, keeping the ones already set. */
export function appendSetCookie(res: ServerResponse, value: string) {
  const current = res.getHeader("Set-Cookie");
  const existing = current === undefined ? [] : Array.isArray(current) ? current : [String(current)];
  res.setHeader("Set-Cookie", [...existing, value]);
}
