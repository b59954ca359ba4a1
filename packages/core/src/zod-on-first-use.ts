// zod for core's own few schemas (a skill's frontmatter, a webhook's body), loaded by the first parse that needs one:
// nothing at the daemon's start parses either, and zod is ~300 KB of code to load (the router builds the wire
// schemas on each domain's first call too: packages/api/src/root.ts). In a bundle this is the zod beside it in
// node_modules, as for yaml (skills/skill-markdown.ts).
import { createRequire } from 'node:module';
import type * as Zod from 'zod';

type ZodApi = typeof Zod.z;
let zod: ZodApi | undefined;

/** A schema built by its first use. */
export function onFirstUse<T>(build: (z: ZodApi) => T): () => T {
  let schema: T | undefined;
  return () => {
    zod ??= (createRequire(import.meta.url)('zod') as typeof Zod).z;
    schema ??= build(zod);
    return schema;
  };
}
