// BullMQ and ioredis load only for the queue backend (WorkerService imports it when configured) and in a worker
// process ('@restflow/core/worker-runtime'): nothing core's index imports statically reaches them, so a daemon that
// runs agents itself never parses them at start. Checked on the module graph esbuild builds from the index.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { build, type Metafile } from 'esbuild';

const coreIndex = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
const QUEUE_PACKAGES = ['bullmq', 'ioredis'];

/** Outputs reached from `entry` through static imports only (what loads with the module), and what they import. */
function staticallyReached(metafile: Metafile, entry: string): Set<string> {
  const reached = new Set<string>([entry]);
  const pending = [entry];
  while (pending.length > 0) {
    const output = metafile.outputs[pending.pop() as string];
    for (const imported of output?.imports ?? []) {
      if (imported.kind === 'dynamic-import' || reached.has(imported.path)) continue;
      reached.add(imported.path);
      if (!imported.external) pending.push(imported.path);
    }
  }
  return reached;
}

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
    // The index's own output (each import() target is an entry point of its own too).
    const entry = Object.keys(result.metafile.outputs).find((name) =>
      result.metafile.outputs[name]?.entryPoint?.endsWith('packages/core/src/index.ts'),
    );
    const reached = staticallyReached(result.metafile, entry as string);
    expect(QUEUE_PACKAGES.filter((name) => reached.has(name))).toEqual([]);
    // They are in the graph, behind import(): the test would pass vacuously if the import path changed.
    const everywhere = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
    expect(QUEUE_PACKAGES.filter((name) => everywhere.includes(name))).toEqual(QUEUE_PACKAGES);
  });
});
