// The CLI's tables: cli-table3's layout (what `restflow … list` printed before), and widths as terminals show them.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { boxTable, terminalWidth } from '../src/box-table.ts';

const fromYargs = createRequire(createRequire(new URL('../package.json', import.meta.url)).resolve('yargs'));
const stringWidth = (await import(pathToFileURL(fromYargs.resolve('string-width')).href)).default as (
  text: string,
) => number;

describe('boxTable', () => {
  it('draws the head, rules between rows and pads every cell to its column', () => {
    expect(
      boxTable(
        ['ID', 'Name'],
        [
          ['a', 'Default Assistant'],
          ['bbbbbbbbbb', '-'],
        ],
      ),
    ).toBe(
      [
        '┌────────────┬───────────────────┐',
        '│ ID         │ Name              │',
        '├────────────┼───────────────────┤',
        '│ a          │ Default Assistant │',
        '├────────────┼───────────────────┤',
        '│ bbbbbbbbbb │ -                 │',
        '└────────────┴───────────────────┘',
      ].join('\n'),
    );
  });

  it('lines up wide characters and gives a cell with line breaks one line each', () => {
    expect(
      boxTable(
        ['ID', 'Name', 'Note'],
        [
          ['x', 'emoji 😀 agent', 'two\nlines'],
          ['日本語', 'é', ''],
        ],
      ),
    ).toBe(
      [
        '┌────────┬────────────────┬───────┐',
        '│ ID     │ Name           │ Note  │',
        '├────────┼────────────────┼───────┤',
        '│ x      │ emoji 😀 agent │ two   │',
        '│        │                │ lines │',
        '├────────┼────────────────┼───────┤',
        '│ 日本語 │ é              │       │',
        '└────────┴────────────────┴───────┘',
      ].join('\n'),
    );
  });
});

describe('terminalWidth', () => {
  it('answers as string-width does for text that is not a joined emoji sequence', () => {
    const samples = [
      'plain ASCII',
      '',
      'café',
      'cafe\u0301',
      '日本語のテキスト',
      '한국어',
      'emoji 😀👍',
      'thumbs 👍🏽',
      'flag 🇩🇪',
      'zero\u200bwidth',
      'tab\there',
      '–—‘’“”…',
      'Ünïcödé ÆØÅ',
      '全角ＡＢＣ',
    ];
    for (const text of samples) expect([text, terminalWidth(text)]).toEqual([text, stringWidth(text)]);
  });

  it('counts each emoji of a ZWJ sequence (string-width counts the sequence once)', () => {
    expect(terminalWidth('👨‍👩‍👧')).toBe(6);
  });
});
