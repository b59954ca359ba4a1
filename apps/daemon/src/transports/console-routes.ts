// The web console's HTTP side: sign-in (`/auth?token=…` → HttpOnly cookie), a sign-in probe for the page, and
// the static export as the listener's GET fallback. Its data goes over the WebSocket mount at /trpc, which
// checks the same cookie (@restflow/api/server console-auth.ts).
import { consoleCookie, hasConsoleCookie, tokensEqual } from '@restflow/api/console-edge';
import { fileReply, lookupStatic } from './console-static.ts';
import type { HttpReply, HttpRoutes } from './http-server.ts';

/**
 * On every console response. `no-referrer` keeps the `/auth?token=` URL out of Referer headers; the frame
 * rules stop clickjacking. No script/style policy: a Next static export relies on inline scripts.
 */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'; base-uri 'self'; object-src 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
};

function htmlPage(status: number, title: string, message: string): HttpReply {
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} — RestFlow</title>` +
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}' +
    `code{background:#eee;padding:0 .25rem}</style></head><body><h1>${title}</h1><p>${message}</p></body></html>\n`;
  return {
    status,
    body: Buffer.from(html, 'utf8'),
    headers: { ...CONSOLE_SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  };
}

const NOT_BUILT = htmlPage(
  200,
  'The web console is not built',
  'The daemon is running, but it found no console to serve. Run <code>npm run build</code> in the RestFlow ' +
    'repository (or point <code>RESTFLOW_WEB_DIR</code> at a Next.js static export), then reload this page.',
);

export interface ConsoleRoutesOptions {
  token: string;
  /** The static export directory; undefined or without index.html → the "not built" page. */
  webDir: string | undefined;
}

export function registerConsoleRoutes(routes: HttpRoutes, options: ConsoleRoutesOptions): void {
  const { token, webDir } = options;

  routes.add('GET', '/auth', (request) => {
    if (!tokensEqual(request.query.get('token'), token)) {
      return htmlPage(
        401,
        'Sign-in link not valid',
        'This console link is not (or no longer) valid. Run <code>restflow console</code> for a fresh one.',
      );
    }
    return {
      status: 302,
      body: Buffer.alloc(0),
      headers: {
        ...CONSOLE_SECURITY_HEADERS,
        location: '/',
        'set-cookie': consoleCookie(request.port, token),
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
      },
    };
  });

  // A browser cannot read why a WebSocket handshake failed; the page asks here whether it is signed in.
  routes.add('GET', '/auth/status', (request) => {
    const authenticated = hasConsoleCookie(request.headers, request.port, token);
    return { status: authenticated ? 200 : 401, body: { authenticated }, headers: { ...CONSOLE_SECURITY_HEADERS } };
  });

  routes.add('GET', '/trpc', () => ({
    status: 426,
    body: { error: 'WebSocket upgrade required' },
    headers: { upgrade: 'websocket' },
  }));

  routes.fallback(async (request) => {
    const found = await lookupStatic(webDir, request.path);
    switch (found.kind) {
      case 'file': {
        const reply = await fileReply(request.path, found.file);
        return { ...reply, headers: { ...CONSOLE_SECURITY_HEADERS, ...reply.headers } };
      }
      case 'not-built':
        return request.path === '/' ? NOT_BUILT : htmlPage(404, 'Not found', 'There is no such page.');
      case 'refused':
        return htmlPage(403, 'Forbidden', 'That path is outside the console.');
      case 'missing':
        return htmlPage(404, 'Not found', 'There is no such file.');
    }
  });
}
