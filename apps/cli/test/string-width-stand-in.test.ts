// The CLI bundle answers string-width's question itself for plain text (scripts/load-on-first-call.mjs), so the
// library's costly set-up runs only for text that needs it. Its answers must be the library's.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from '@jest/globals';

type Width = (text: string, options?: { ambiguousIsNarrow?: boolean }) => number;
const require = createRequire(import.meta.url);
const standIn = (await import(pathToFileURL(require.resolve('../../../scripts/load-on-first-call.mjs')).href)) as {
  oneColumnWidth(text: unknown, options?: { ambiguousIsNarrow?: boolean }): number | undefined;
};
// The versions the bundle replaces: yargs' own and the one its help layout (cliui, wrap-ansi) uses.
const fromYargs = createRequire(createRequire(new URL('../package.json', import.meta.url)).resolve('yargs'));
const fromCliui = createRequire(fromYargs.resolve('cliui'));
// One after the other: jest's module linker trips over two imports of shared modules at once.
const libraries: Width[] = [];
for (const from of [fromYargs, fromCliui])
  libraries.push((await import(pathToFileURL(from.resolve('string-width')).href)).default);

describe('the string-width stand-in of the CLI bundle', () => {
  it('answers as the library does for every character and sentence it answers for', () => {
    const samples = [
      ...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)),
      ...'–—‘’“”…·×',
      '',
      'Past and running runs: list them, show one’s timeline, compare two',
      'Start RestFlow — the daemon… “quoted” 3×',
    ];
    for (const text of samples) {
      for (const options of [undefined, { ambiguousIsNarrow: true }, { ambiguousIsNarrow: false }]) {
        const mine = standIn.oneColumnWidth(text, options);
        if (mine === undefined) continue;
        for (const width of libraries) expect([text, options, mine]).toEqual([text, options, width(text, options)]);
      }
    }
    expect(standIn.oneColumnWidth('’', { ambiguousIsNarrow: false })).toBeUndefined();
  });

  it('leaves wide, zero-width, emoji and coloured text to the library', () => {
    for (const text of ['日本語', 'e\u0301', 'a\u200bb', '👍🏽', '\u001b[31mred\u001b[39m', 'tab\there', 'x\u00ad'])
      expect([text, standIn.oneColumnWidth(text)]).toEqual([text, undefined]);
    expect(standIn.oneColumnWidth(42)).toBeUndefined();
  });
});
