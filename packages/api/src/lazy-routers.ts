// The sub-routers of root.ts load on their first call. tRPC lists a sub-router's procedures in `_def.procedures`
// only once it has loaded, so whatever reads that list (the REST table, the OpenAPI document, checks that walk
// every procedure) loads what it reads first: all of them, or the one a path names.
import type { AnyRouter } from '@trpc/server';

/**
 * Loads every sub-router not loaded yet (and any lazy router inside them); afterwards `_def.procedures` is whole.
 * One at a time, as root.ts loads them anyway.
 */
export async function loadAllRouters(router: AnyRouter): Promise<void> {
  for (let next = Object.values(router._def.lazy)[0]; next; next = Object.values(router._def.lazy)[0]) {
    await next.load();
  }
}

/** Loads the sub-router(s) a dotted procedure path goes through; a path into no lazy router is left as it is. */
export async function loadRouterOf(router: AnyRouter, path: string): Promise<void> {
  for (;;) {
    const key = Object.keys(router._def.lazy).find((prefix) => path === prefix || path.startsWith(`${prefix}.`));
    const loader = key === undefined ? undefined : router._def.lazy[key];
    if (!loader) return;
    await loader.load();
  }
}
