// BullMQ and ioredis load only for the queue backend (WorkerService imports it when configured) and in a worker
// process ('@restflow/core/worker-runtime'): nothing core's index imports statically reaches them, so a daemon that
// runs agents itself never parses them at start. Checked on the module graph esbuild builds from the index.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { entryOutput, staticallyReached } from '@restflow/testkit';
import { build } from 'esbuild';

const coreIndex = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
const QUEUE_PACKAGES = ['bullmq', 'ioredis'];

describe('the queue packages', () => {
  it("are not reached from core's index by static imports, only through import()", async () => {
    const result = await build({
      entryPoints: { index: coreIndex },
      outdir: path.join(path.dirname(coreIndex), 'never-written'),
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const entry = entryOutput(result.metafile, 'packages/core/src/index.ts');
    const reached = staticallyReached(result.metafile, entry);
    expect(QUEUE_PACKAGES.filter((name) => reached.has(name))).toEqual([]);
    // They are in the graph, behind import(): the test would pass vacuously if the import path changed.
    const everywhere = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
    expect(QUEUE_PACKAGES.filter((name) => everywhere.includes(name))).toEqual(QUEUE_PACKAGES);
  });
});
