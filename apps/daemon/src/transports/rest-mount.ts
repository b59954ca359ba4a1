// Mounts the REST API (@restflow/api/server createRestApi) on the daemon's HTTP listener, with its reference:
// `GET /api/openapi.json` (the generated OpenAPI 3.1 document) and `GET /api/docs` (Swagger UI, served from the
// installed swagger-ui-dist package: no CDN, and a page policy that allows only this origin's scripts).
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ApiContext, AppRouter, Caller } from '@restflow/api';
import { createOpenApiDocument, createRestApi, type RestApi } from '@restflow/api/server';
import { type HttpAuthenticator, refusalReply } from './http-auth.ts';
import type { HttpReply, HttpRoutes } from './http-server.ts';

const REFUSAL_CODES = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 429: 'TOO_MANY_REQUESTS' } as const;

export const OPENAPI_PATH = '/api/openapi.json';
export const DOCS_PATH = '/api/docs';

export interface RestMountOptions {
  router: AppRouter;
  /** The HTTP API's one gate (API tokens or the console's cookie), called at the entry of every resource route. */
  auth: HttpAuthenticator;
  /** The context of an authenticated caller; read-only tokens are held to reads by the router's caller rules. */
  createContext: (caller: Caller) => ApiContext;
  onError?: (error: unknown, procedure: string) => void;
}

const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const DOCS_HEADERS = {
  'content-security-policy': DOCS_CSP,
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
};

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>RestFlow API reference</title>
<link rel="icon" href="${DOCS_PATH}/favicon-32x32.png">
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/restflow-docs.js"></script>
</body>
</html>
`;

// An external script, so the page policy needs no 'unsafe-inline'. No validator badge: it would call out.
const DOCS_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '${OPENAPI_PATH}',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

/** The files of swagger-ui-dist the page loads; nothing else of the package is served. */
const DOCS_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

function swaggerUiDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/** `/api/agents/{id}` → `/api/agents/:id`, the listener's route syntax. */
function listenerPath(template: string): string {
  return template.replace(/\{([A-Za-z_]+)\}/g, ':$1');
}

function asset(body: Buffer | string, contentType: string, cacheControl = 'no-cache'): HttpReply {
  return {
    status: 200,
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
    headers: { ...DOCS_HEADERS, 'content-type': contentType, 'cache-control': cacheControl },
  };
}

export function registerRestRoutes(routes: HttpRoutes, options: RestMountOptions): RestApi {
  const api = createRestApi({
    router: options.router,
    onError: (error, procedure) => options.onError?.(error.cause ?? error, procedure),
  });

  for (const { route } of api.routes) {
    routes.add(route.method, listenerPath(route.path), async (request) => {
      const verdict = options.auth.authenticate(request);
      if (!verdict.ok) {
        // The gate's refusal, with the code every REST error carries.
        const reply = refusalReply(verdict);
        return { ...reply, body: { error: verdict.error, code: REFUSAL_CODES[verdict.status] } };
      }
      const reply = await api.handle(
        { method: request.method, path: request.path, query: request.query, body: request.body },
        options.createContext(verdict.caller),
      );
      return reply ?? { status: 404, body: { error: 'not found', code: 'NOT_FOUND' } };
    });
  }

  // The reference describes the API and holds no data: it is served without a token, like /health, so a browser
  // (which cannot send a bearer token to a page) can read it.
  let documentJson: Buffer | undefined;
  routes.add('GET', OPENAPI_PATH, async () => {
    documentJson ??= Buffer.from(JSON.stringify(await createOpenApiDocument(options.router)), 'utf8');
    return { status: 200, body: documentJson, headers: { 'content-type': 'application/json; charset=utf-8' } };
  });
  routes.add('GET', DOCS_PATH, () => asset(DOCS_PAGE, 'text/html; charset=utf-8', 'no-store'));
  routes.add('GET', `${DOCS_PATH}/restflow-docs.js`, () => asset(DOCS_SCRIPT, 'text/javascript; charset=utf-8'));
  const cache = new Map<string, Buffer>();
  routes.add('GET', `${DOCS_PATH}/:file`, async (request) => {
    const file = request.params.file ?? '';
    const contentType = DOCS_ASSETS[file];
    if (!contentType) return { status: 404, body: { error: 'not found' } };
    let content = cache.get(file);
    if (!content) {
      content = await fs.readFile(path.join(swaggerUiDir(), file));
      cache.set(file, content);
    }
    return asset(content, contentType);
  });
  return api;
}
