// The web console and the desktop window render the same console: both hosts import it from @restflow/ui,
// apps/web keeps only its Next.js shell, and no client-side code reaches the database layers.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(repo, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|tsx)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

const importsOf = (file: string) =>
  [...fs.readFileSync(path.join(repo, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1] as string);

describe('one console for web and desktop', () => {
  it('apps/web and the desktop renderer both take the console from @restflow/ui', () => {
    const web = sources('apps/web/src').flatMap(importsOf);
    const desktop = sources('apps/desktop/src/renderer').flatMap(importsOf);
    for (const name of ['Providers', 'Shell']) {
      expect(fs.readFileSync(path.join(repo, 'apps/web/src/components/console-host.tsx'), 'utf8')).toContain(name);
      expect(fs.readFileSync(path.join(repo, 'apps/desktop/src/renderer/index.tsx'), 'utf8')).toContain(name);
    }
    expect(web).toContain('@restflow/ui');
    expect(desktop).toContain('@restflow/ui');
  });

  it('apps/web keeps no console components of its own: only routes, its host and its transport', () => {
    const files = sources('apps/web/src');
    // A route is a page that takes its view from @restflow/ui and nothing else.
    const routes = files.filter((file) => /^apps\/web\/src\/app\/(.+\/)?page\.tsx$/.test(file));
    expect(routes.length).toBeGreaterThanOrEqual(9);
    for (const route of routes) expect([route, importsOf(route)]).toEqual([route, ['@restflow/ui']]);
    expect(files.filter((file) => !routes.includes(file)).sort()).toEqual(
      [
        'apps/web/src/app/layout.tsx',
        'apps/web/src/components/console-host.tsx',
        'apps/web/src/lib/next-navigation.tsx',
        'apps/web/src/lib/ws-transport.ts',
      ].sort(),
    );
  });

  it('no client code imports core or db', () => {
    const clientDirs = ['packages/ui/src', 'packages/electron-trpc/src', 'apps/web/src', 'apps/desktop/src'];
    const offenders = clientDirs.flatMap(sources).flatMap((file) =>
      importsOf(file)
        .filter((s) => /^@restflow\/(core|db)(\/|$)/.test(s))
        .map((s) => `${file}: ${s}`),
    );
    expect(offenders).toEqual([]);
  });
});
