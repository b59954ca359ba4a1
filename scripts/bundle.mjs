// Bundles an app's TypeScript (and the workspace packages it imports) into one ESM file under dist/, leaving
// npm dependencies external: they are plain JavaScript already and resolve from node_modules at run time.
// The bins use the bundle when it is newer than every source it was built from (see bin/*.js), else tsx.
import path from 'node:path';
import { build } from 'esbuild';

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: node scripts/bundle.mjs <entry.ts> <outfile.mjs>');
  process.exit(2);
}

const workspaceOnly = {
  name: 'externalize-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@restflow/') ? undefined : { path: args.path, external: true },
    );
  },
};

await build({
  entryPoints: [path.resolve(entry)],
  outfile: path.resolve(outfile),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  plugins: [workspaceOnly],
  logLevel: 'warning',
});
