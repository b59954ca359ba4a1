import { describe, expect, it } from '@jest/globals';
import {
  markdownToTelegramHtml,
  splitForTelegram,
  TELEGRAM_TEXT_LIMIT,
} from '../../src/channels/telegram/telegram-format.ts';

describe('Markdown → Telegram HTML', () => {
  it('renders the usual Markdown of an answer', () => {
    const md = [
      '# Result',
      'Some **bold**, *italic*, _also italic_, ~~gone~~ and `a < b` code.',
      '- first [link](https://example.com/?a=1&b="2")',
      '> quoted *line*',
      '```ts',
      'if (a < b && c) {}',
      '```',
    ].join('\n');
    expect(markdownToTelegramHtml(md)).toBe(
      [
        '<b>Result</b>',
        'Some <b>bold</b>, <i>italic</i>, <i>also italic</i>, <s>gone</s> and <code>a &lt; b</code> code.',
        '• first <a href="https://example.com/?a=1&amp;b=&quot;2&quot;">link</a>',
        '<blockquote>quoted <i>line</i></blockquote>',
        '<pre><code class="language-ts">if (a &lt; b &amp;&amp; c) {}</code></pre>',
      ].join('\n'),
    );
  });

  it('escapes what is not Markdown and leaves snake_case, lone stars and unsafe links as text', () => {
    expect(markdownToTelegramHtml('x <b>not html</b> & 2 * 3 * 4 my_var_name')).toBe(
      'x &lt;b&gt;not html&lt;/b&gt; &amp; 2 * 3 * 4 my_var_name',
    );
    expect(markdownToTelegramHtml('[click](javascript:alert(1))')).toBe('click (javascript:alert(1))');
    expect(markdownToTelegramHtml('**unclosed bold')).toBe('**unclosed bold');
    expect(markdownToTelegramHtml('`**not bold**`')).toBe('<code>**not bold**</code>');
  });

  it('runs an unclosed code block (a cut-off answer) to the end', () => {
    expect(markdownToTelegramHtml('```\nline <1>\nline 2')).toBe('<pre><code>line &lt;1&gt;\nline 2</code></pre>');
  });
});

describe('splitting at Telegram’s limit', () => {
  it('keeps a short text whole', () => {
    expect(splitForTelegram('hello')).toEqual(['hello']);
    expect(splitForTelegram('')).toEqual(['']);
  });

  it('cuts on paragraph boundaries, every piece within the limit, nothing lost', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `${i}: ${'word '.repeat(80).trim()}`);
    const text = paragraphs.join('\n\n');
    expect(text.length).toBeGreaterThan(TELEGRAM_TEXT_LIMIT);
    const pieces = splitForTelegram(text);
    expect(pieces.length).toBe(2);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(pieces.join('\n\n')).toBe(text);
    expect(pieces[1]).toMatch(/^\d+: word/);
  });

  it('closes and reopens a code block that is cut in two', () => {
    const code = Array.from({ length: 40 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const pieces = splitForTelegram(`intro\n\`\`\`py\n${code}\n\`\`\`\nafter`, 400);
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(400);
      // Each piece on its own has balanced fences.
      expect((piece.match(/^```/gm) ?? []).length % 2).toBe(0);
    }
    expect(pieces[1]?.startsWith('```py\n')).toBe(true);
    expect(pieces.at(-1)?.endsWith('after')).toBe(true);
  });

  it('cuts a text without spaces hard, never inside a surrogate pair', () => {
    const text = `a${'😀'.repeat(3000)}`;
    const pieces = splitForTelegram(text);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
      expect(piece).not.toMatch(/[\ud800-\udbff]$/);
    }
    expect(pieces.join('')).toBe(text);
  });
});
