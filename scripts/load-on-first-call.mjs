// An esbuild plugin for scripts/bundle.mjs. string-width (≥ 5) does costly work as its module loads: it builds
// an Intl.Segmenter and compiles Unicode-property regexes (~30 ms on every CLI start), and yargs measures its help
// text with it before every command, help shown or not. Its importers get a stand-in instead: text that is plain
// ASCII or common typographic punctuation is one column per character (what string-width answers for it, which
// test/string-width-stand-in.test.ts checks), and anything else loads the real module on the first such call —
// esbuild runs a module reached through require() only when it is first required.
import fs from 'node:fs';
import path from 'node:path';

/** Printable ASCII, and – — ‘ ’ “ ” … · × (East Asian "ambiguous": narrow unless ambiguousIsNarrow is false). */
export const ONE_COLUMN_TEXT = /^[\x20-\x7e\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u00b7\u00d7]*$/;

/** The stand-in's width for `text`, or undefined when the real string-width must answer. */
export function oneColumnWidth(text, options) {
  if (typeof text !== 'string' || !ONE_COLUMN_TEXT.test(text)) return undefined;
  if (options?.ambiguousIsNarrow === false && /[^\x20-\x7e]/.test(text)) return undefined;
  return text.length;
}

const STAND_IN = (realPath) => `
const ONE_COLUMN_TEXT = ${ONE_COLUMN_TEXT};
${oneColumnWidth.toString()}
export default function stringWidth(text, options) {
  return oneColumnWidth(text, options) ?? require(${JSON.stringify(realPath)}).default(text, options);
}
`;

export const loadOnFirstCall = {
  name: 'load-on-first-call',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData?.real) return undefined;
      const real = await b.resolve(args.path, {
        resolveDir: args.resolveDir,
        kind: args.kind,
        importer: args.importer,
        pluginData: { real: true },
      });
      // Only the ES module versions (≥ 5, a default export); the CommonJS ones load cheaply and lazily already.
      if (real.errors.length > 0 || args.kind !== 'import-statement') return real;
      if (!fs.readFileSync(real.path, 'utf8').includes('export default')) return real;
      return { path: real.path, namespace: 'load-on-first-call' };
    });
    b.onLoad({ filter: /.*/, namespace: 'load-on-first-call' }, (args) => ({
      contents: STAND_IN(args.path),
      resolveDir: path.dirname(args.path),
    }));
  },
};

// zod's `z.locales` (every language's error messages, ~340 KB of source) is reachable from `z`, so a bundle holds
// it all and V8 parses it at every start, yet nothing here calls a locale: English is set up by zod's schemas
// module itself. The stand-in exports each locale as a function that loads the real one from node_modules on its
// first call (zod is an ES module package: require() of ES modules needs Node 20.19 / 22.12, the supported range).
// Only for bundles that run beside node_modules (the daemon's: its SQLite driver is there too).
const LOCALES_INDEX = /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/;

export const zodLocalesOnFirstCall = {
  name: 'zod-locales-on-first-call',
  setup(b) {
    b.onLoad({ filter: LOCALES_INDEX }, (args) => {
      const names = [
        ...fs.readFileSync(args.path, 'utf8').matchAll(/export \{ default as (\w+) \} from "\.\/(\w+)\.js";/g),
      ];
      if (names.length === 0) return undefined;
      const contents = names
        .map(
          ([, name, file]) =>
            `export function ${name}(...args) { return require(${JSON.stringify(`zod/v4/locales/${file}.js`)}).default(...args); }`,
        )
        .join('\n');
      return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
    });
    b.onResolve({ filter: /^zod\/v4\/locales\/\w+\.js$/ }, (args) =>
      args.kind === 'require-call' && LOCALES_INDEX.test(args.importer)
        ? { path: args.path, external: true }
        : undefined,
    );
  },
};
