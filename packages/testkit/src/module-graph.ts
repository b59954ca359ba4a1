// What loads with a module: the outputs (and externals) esbuild's metafile reaches from an entry through static
// imports only, import() targets left out. For tests that keep packages off a start path.
import type { Metafile } from 'esbuild';

export function staticallyReached(metafile: Metafile, entry: string): Set<string> {
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

/** The output of the entry point whose source path ends with `source` (each import() target is an entry too). */
export function entryOutput(metafile: Metafile, source: string): string {
  const found = Object.keys(metafile.outputs).find((name) => metafile.outputs[name]?.entryPoint?.endsWith(source));
  if (!found) throw new Error(`no output for the entry ${source}`);
  return found;
}
