import { describe, expect, it } from '@jest/globals';
import { splitMarkdownBlocks } from '../src/lib/markdown-blocks.ts';

describe('splitMarkdownBlocks', () => {
  it('splits paragraphs, tables and headings at blank lines', () => {
    const text = '# Title\n\nSome *text*\nsame paragraph\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\nLast';
    expect(splitMarkdownBlocks(text)).toEqual([
      '# Title',
      'Some *text*\nsame paragraph',
      '| a | b |\n|---|---|\n| 1 | 2 |',
      'Last',
    ]);
  });

  it('keeps a fenced code block with blank lines whole, also while it is still open (streaming)', () => {
    const closed = 'Intro\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\n\nAfter';
    expect(splitMarkdownBlocks(closed)).toEqual(['Intro', '```ts\nconst a = 1;\n\nconst b = 2;\n```', 'After']);
    expect(splitMarkdownBlocks('Intro\n\n```py\nx = 1\n\ny')).toEqual(['Intro', '```py\nx = 1\n\ny']);
  });

  it('closes a fence only with the same character, at least as long', () => {
    const text = '````md\n```\n\n```\n````\n\nend';
    expect(splitMarkdownBlocks(text)).toEqual(['````md\n```\n\n```\n````', 'end']);
    expect(splitMarkdownBlocks('~~~\na\n```\n\nb\n~~~')).toEqual(['~~~\na\n```\n\nb\n~~~']);
  });

  it('a growing text only ever changes its last block', () => {
    const full = 'First para.\n\n- one\n- two\n\n```js\nlet x;\n\nx = 2;\n```\n\nDone.';
    let previous: string[] = [];
    for (let end = 1; end <= full.length; end++) {
      const blocks = splitMarkdownBlocks(full.slice(0, end));
      // Every block but the last of the previous split is unchanged.
      for (let i = 0; i < previous.length - 1; i++) expect(blocks[i]).toBe(previous[i]);
      previous = blocks;
    }
    expect(previous).toHaveLength(4);
  });

  it('gives nothing for empty or blank text', () => {
    expect(splitMarkdownBlocks('')).toEqual([]);
    expect(splitMarkdownBlocks('\n \n')).toEqual([]);
  });
});
