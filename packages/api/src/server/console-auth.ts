// Who may use the browser path (the web console): the rules shared by the WebSocket mount and the daemon's
// `/auth` route. A TCP port on 127.0.0.1 is reachable from any page the user opens, so every check matters:
// Host (DNS rebinding), Origin (cross-site WebSocket hijacking — cookies ignore ports, so a page on another
// localhost port does send the cookie) and the token itself.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Long enough for a browser to keep the console signed in; `restflow console` renews it. */
export const CONSOLE_COOKIE_MAX_AGE_S = 30 * 24 * 60 * 60;

/** Cookies are shared by every port of a host, so the name carries the port. */
export function consoleCookieName(port: number): string {
  return `restflow_console_${port}`;
}

/** The `Set-Cookie` value `/auth` sends: script-proof (HttpOnly) and never sent by another site's request. */
export function consoleCookie(port: number, token: string): string {
  return `${consoleCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${CONSOLE_COOKIE_MAX_AGE_S}`;
}

/** Constant-time equality; hashing first makes the comparison independent of the candidate's length. */
export function tokensEqual(candidate: unknown, token: string): boolean {
  if (typeof candidate !== 'string' || candidate.length === 0 || token.length === 0) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(candidate), digest(token));
}

/** Every value of cookie `name` in a `Cookie` header (a browser may send several with different paths). */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    values.push(part.slice(eq + 1).trim());
  }
  return values;
}

/** True when the request carries the console cookie with the right token. */
export function hasConsoleCookie(headers: IncomingHttpHeaders, port: number, token: string): boolean {
  return cookieValues(headers.cookie, consoleCookieName(port)).some((value) => tokensEqual(value, token));
}

/** The Host values a browser sends for the loopback listener; anything else may be DNS rebinding. */
export function consoleHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export type UpgradeVerdict =
  | { ok: true; by: 'cookie' | 'connection-params' }
  | { ok: false; status: 403 | 401; reason: string };

/**
 * The checks of one WebSocket upgrade, in order: Host, Origin (exactly `http://<Host>`, required — browsers
 * always send it, and non-browser clients can set it), then the token: the cookie, or — when the client
 * announces connectionParams — the token it sends as its first message (checked when the context is created).
 */
export function checkUpgrade(
  headers: IncomingHttpHeaders,
  port: number,
  token: string,
  expectsConnectionParams: boolean,
): UpgradeVerdict {
  const host = headers.host;
  if (host === undefined || !consoleHosts(port).includes(host)) {
    return { ok: false, status: 403, reason: 'unexpected Host header' };
  }
  if (headers.origin !== `http://${host}`) {
    return { ok: false, status: 403, reason: headers.origin ? 'origin not allowed' : 'missing Origin header' };
  }
  if (hasConsoleCookie(headers, port, token)) return { ok: true, by: 'cookie' };
  if (expectsConnectionParams) return { ok: true, by: 'connection-params' };
  return { ok: false, status: 401, reason: 'missing or invalid console token' };
}
