// Serves the web console's Next.js static export (`apps/web/out`). Read from disk on every request, so a
// console rebuilt while the daemon runs is served at once (its hashed chunk names change with each build).
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { HttpReply } from './http-server.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  // React Server Component payloads of a static export.
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Hashed build assets never change under their name; pages and payloads are re-checked every time. */
export function cacheControlOf(urlPath: string, file: string): string {
  if (urlPath.startsWith('/_next/static/')) return 'public, max-age=31536000, immutable';
  return path.extname(file) === '.html' ? 'no-store' : 'no-cache';
}

/** `RESTFLOW_WEB_DIR`, else the export of the `@restflow/web` workspace package when it is installed. */
export function resolveWebDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.RESTFLOW_WEB_DIR) return path.resolve(env.RESTFLOW_WEB_DIR);
  try {
    const manifest = createRequire(import.meta.url).resolve('@restflow/web/package.json');
    return path.join(path.dirname(manifest), 'out');
  } catch {
    return undefined;
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

export type StaticLookup =
  | { kind: 'file'; file: string }
  | { kind: 'not-built' }
  | { kind: 'refused' }
  | { kind: 'missing' };

/**
 * Maps a URL path onto the export: the file itself, `<path>.html`, `<path>/index.html` (Next writes either),
 * else `index.html` for any other extension-less path (client-side routes); a missing asset is `missing`.
 * Paths that would leave the export (`..`, encoded slashes, NUL, backslashes) are `refused`.
 */
export async function lookupStatic(webDir: string | undefined, urlPath: string): Promise<StaticLookup> {
  if (!webDir || !(await isFile(path.join(webDir, 'index.html')))) return { kind: 'not-built' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'refused' };
  }
  if (!decoded.startsWith('/') || /[\0\\]/.test(decoded) || decoded.split('/').includes('..')) {
    return { kind: 'refused' };
  }
  const root = path.resolve(webDir);
  const target = path.resolve(root, `.${decoded}`);
  if (target !== root && !target.startsWith(`${root}${path.sep}`)) return { kind: 'refused' };
  const candidates = decoded.endsWith('/')
    ? [path.join(target, 'index.html')]
    : [target, `${target}.html`, path.join(target, 'index.html')];
  for (const file of candidates) if (await isFile(file)) return { kind: 'file', file };
  if (path.posix.extname(decoded) === '') return { kind: 'file', file: path.join(root, 'index.html') };
  return { kind: 'missing' };
}

/** The reply for a found file (headers besides content type and caching are the caller's). */
export async function fileReply(urlPath: string, file: string): Promise<HttpReply> {
  return {
    status: 200,
    body: await fs.readFile(file),
    headers: { 'content-type': contentTypeOf(file), 'cache-control': cacheControlOf(urlPath, file) },
  };
}
