// The one gate of the daemon's HTTP API (`/trpc` over HTTP and SSE, `/api/*`, `/mcp`): who is calling, or why
// not. Two kinds of callers get through:
// - non-browser clients with `Authorization: Bearer <API token>` (docs/remote-access.md; `restflow token create`);
// - the web console in a browser, with the rules of its WebSocket mount (@restflow/api/server console-auth.ts):
//   a loopback Host (DNS rebinding), its own Origin (cross-site requests) and the console cookie.
// Failed attempts are counted per source address; past the limit every attempt from it gets 429 until the window
// has passed, so guessing tokens over the network is hopeless.
import type { IncomingHttpHeaders } from 'node:http';
import type { Caller } from '@restflow/api';
import { consoleCookieName, consoleHosts, cookieValues, hasConsoleCookie } from '@restflow/api/console-edge';
import type { ApiTokenService } from '@restflow/core';
import type { HttpHandler, HttpReply, HttpRequest } from './http-server.ts';

/** What authentication looks at: any of the listener's requests (HttpRequest) or a raw node request fits. */
export interface AuthRequest {
  method: string;
  headers: IncomingHttpHeaders;
  remoteAddress: string | undefined;
  /** The port the listener is bound to (the console cookie's name carries it). */
  port: number;
}

export type AuthVerdict =
  | { ok: true; caller: Caller }
  | { ok: false; status: 401 | 403 | 429; error: string; headers: Record<string, string> };

export interface FailedAuthLimit {
  /** Failed attempts allowed per source address within `window_ms`. */
  attempts: number;
  window_ms: number;
}

export const DEFAULT_FAILED_AUTH_LIMIT: FailedAuthLimit = { attempts: 10, window_ms: 60_000 };

export interface HttpAuthOptions {
  tokens: Pick<ApiTokenService, 'verify'>;
  /** The web console's token, carried by its cookie. */
  consoleToken: string;
  limit?: FailedAuthLimit;
  now?: () => number;
  /** Told of every refusal (the daemon logs it; never with the presented credential). */
  onRefused?: (refusal: { status: number; error: string; remote_address: string | undefined }) => void;
}

export interface HttpAuthenticator {
  /** The caller of `request`, or the refusal to send. Never throws. */
  authenticate(request: AuthRequest): AuthVerdict;
}

/** Remembers failure times per address; bounded by attempts × addresses, idle addresses dropped. */
class FailedAttempts {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: FailedAuthLimit,
    private readonly now: () => number,
  ) {}

  /** Milliseconds until `address` may try again; 0 when it may now. */
  blockedFor(address: string): number {
    const since = this.now() - this.limit.window_ms;
    const recent = (this.failures.get(address) ?? []).filter((t) => t > since);
    if (recent.length === 0) this.failures.delete(address);
    else this.failures.set(address, recent);
    if (recent.length < this.limit.attempts) return 0;
    return Math.max(1, (recent[recent.length - this.limit.attempts] as number) - since);
  }

  record(address: string): void {
    const times = this.failures.get(address) ?? [];
    times.push(this.now());
    // Only the newest `attempts` matter for the decision.
    this.failures.set(address, times.slice(-this.limit.attempts));
    if (this.failures.size > 10_000) this.dropIdle();
  }

  private dropIdle(): void {
    const since = this.now() - this.limit.window_ms;
    for (const [address, times] of this.failures) if (!times.some((t) => t > since)) this.failures.delete(address);
  }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function refusal(status: 401 | 403 | 429, error: string, headers: Record<string, string> = {}): AuthVerdict {
  return { ok: false, status, error, headers };
}

/** A same-origin browser request: Origin is this page's, or absent on a read the browser marks same-origin. */
function sameOrigin(request: AuthRequest, host: string): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined) return origin === `http://${host}`;
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const site = request.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

export function createHttpAuthenticator(options: HttpAuthOptions): HttpAuthenticator {
  const now = options.now ?? Date.now;
  const attempts = new FailedAttempts(options.limit ?? DEFAULT_FAILED_AUTH_LIMIT, now);

  const fail = (address: string, status: 401 | 403, error: string, headers: Record<string, string> = {}) => {
    attempts.record(address);
    return refusal(status, error, headers);
  };

  const decide = (request: AuthRequest): AuthVerdict => {
    const address = request.remoteAddress ?? 'unknown';
    const authorization = request.headers.authorization;
    const cookiePresent = request.headers.cookie !== undefined;
    if (authorization !== undefined || cookiePresent) {
      const wait = attempts.blockedFor(address);
      if (wait > 0) {
        return refusal(429, 'too many failed authentication attempts; try again later', {
          'retry-after': String(Math.ceil(wait / 1000)),
        });
      }
    }
    if (authorization !== undefined) {
      const presented = BEARER.exec(authorization)?.[1];
      if (!presented) {
        return fail(address, 401, 'the Authorization header must be "Bearer <API token>"', {
          'www-authenticate': 'Bearer realm="restflow"',
        });
      }
      const token = options.tokens.verify(presented);
      if (!token) {
        return fail(address, 401, 'invalid or revoked API token', {
          'www-authenticate': 'Bearer realm="restflow", error="invalid_token"',
        });
      }
      return {
        ok: true,
        caller: { kind: 'token', token_id: token.id, token_name: token.name, read_only: token.read_only },
      };
    }
    const host = request.headers.host;
    const consoleCookies = cookieValues(request.headers.cookie, consoleCookieName(request.port));
    // Cookies of other apps on localhost are no attempt at ours: only the console's cookie is judged (and counted).
    if (consoleCookies.length > 0) {
      if (host === undefined || !consoleHosts(request.port).includes(host)) {
        return refusal(403, 'unexpected Host header');
      }
      if (!sameOrigin(request, host)) return refusal(403, 'origin not allowed');
      if (hasConsoleCookie(request.headers, request.port, options.consoleToken)) {
        return { ok: true, caller: { kind: 'console' } };
      }
      return fail(address, 401, 'the console sign-in is no longer valid: run restflow console for a fresh link');
    }
    return refusal(401, 'authentication required: send "Authorization: Bearer <API token>" (restflow token create)', {
      'www-authenticate': 'Bearer realm="restflow"',
    });
  };

  return {
    authenticate(request) {
      const verdict = decide(request);
      if (!verdict.ok) {
        options.onRefused?.({ status: verdict.status, error: verdict.error, remote_address: request.remoteAddress });
      }
      return verdict;
    },
  };
}

/** The reply for a refusal, as every `/api/*` route sends it. */
export function refusalReply(verdict: Extract<AuthVerdict, { ok: false }>): HttpReply {
  return { status: verdict.status, body: { error: verdict.error }, headers: verdict.headers };
}

/** A listener route only authenticated callers reach; the handler learns who called. */
export function requireCaller(
  auth: HttpAuthenticator,
  handler: (request: HttpRequest, caller: Caller) => Promise<HttpReply> | HttpReply,
): HttpHandler {
  return (request) => {
    const verdict = auth.authenticate(request);
    return verdict.ok ? handler(request, verdict.caller) : refusalReply(verdict);
  };
}
