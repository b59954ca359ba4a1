// Agent answers are Markdown; Telegram renders its own HTML subset (https://core.telegram.org/bots/api#html-style).
// HTML needs only &, < and > escaped, which makes a conversion that cannot produce an unparseable message far
// easier than MarkdownV2's eighteen reserved characters. Whatever Telegram still refuses is resent as plain text.

/** Telegram's limit on a message's text, in UTF-16 code units after entity parsing. */
export const TELEGRAM_TEXT_LIMIT = 4096;

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (text: string) => escapeHtml(text).replace(/"/g, '&quot;');

interface InlineRule {
  pattern: RegExp;
  render: (match: RegExpExecArray) => string;
}

const SAFE_LINK = /^(https?:\/\/|tg:\/\/|mailto:)/i;

// Earlier rules win a tie at the same position: code spans first, so nothing inside them is formatted.
const INLINE_RULES: InlineRule[] = [
  { pattern: /`([^`\n]+)`/g, render: (m) => `<code>${escapeHtml(m[1] as string)}</code>` },
  {
    pattern: /\[([^\]\n]+)\]\(([^)\s]+)\)/g,
    render: (m) => {
      const [, label, url] = m as unknown as [string, string, string];
      if (!SAFE_LINK.test(url)) return `${inline(label)} (${escapeHtml(url)})`;
      return `<a href="${escapeAttribute(url)}">${inline(label)}</a>`;
    },
  },
  { pattern: /\*\*(?=\S)([^\n]*?\S)\*\*/g, render: (m) => `<b>${inline(m[1] as string)}</b>` },
  { pattern: /(?<!\w)__(?=\S)([^\n]*?\S)__(?!\w)/g, render: (m) => `<b>${inline(m[1] as string)}</b>` },
  { pattern: /~~(?=\S)([^\n]*?\S)~~/g, render: (m) => `<s>${inline(m[1] as string)}</s>` },
  {
    pattern: /(?<![\w*])\*([^\s*](?:[^*\n]*?[^\s*])?)\*(?![\w*])/g,
    render: (m) => `<i>${inline(m[1] as string)}</i>`,
  },
  // Not inside words: snake_case_names stay as they are.
  {
    pattern: /(?<![\w_])_([^\s_](?:[^_\n]*?[^\s_])?)_(?![\w_])/g,
    render: (m) => `<i>${inline(m[1] as string)}</i>`,
  },
];

function nextInline(text: string, from: number): { match: RegExpExecArray; rule: InlineRule } | undefined {
  let best: { match: RegExpExecArray; rule: InlineRule } | undefined;
  for (const rule of INLINE_RULES) {
    rule.pattern.lastIndex = from;
    const match = rule.pattern.exec(text);
    if (match && (!best || match.index < best.match.index)) best = { match, rule };
  }
  return best;
}

/** One line's inline Markdown as Telegram HTML; tags are balanced by construction. */
function inline(text: string): string {
  let out = '';
  let at = 0;
  while (at < text.length) {
    const next = nextInline(text, at);
    if (!next) break;
    out += escapeHtml(text.slice(at, next.match.index)) + next.rule.render(next.match);
    at = next.match.index + next.match[0].length;
  }
  return out + escapeHtml(text.slice(at));
}

const FENCE = /^\s*(```|~~~)\s*([\w+#.-]*)\s*$/;

/** Markdown (as models write it) → Telegram HTML: code blocks, inline code, bold, italic, strike, links, quotes. */
export function markdownToTelegramHtml(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let quote: string[] = [];
  const flushQuote = () => {
    if (quote.length) out.push(`<blockquote>${quote.join('\n')}</blockquote>`);
    quote = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const fence = FENCE.exec(line);
    if (fence) {
      flushQuote();
      const code: string[] = [];
      // An unclosed fence (a cut-off answer) runs to the end.
      const closing = new RegExp(`^\\s*${fence[1]}\\s*$`);
      for (i += 1; i < lines.length && !closing.test(lines[i] as string); i++) {
        code.push(lines[i] as string);
      }
      const language = fence[2] ? ` class="language-${escapeAttribute(fence[2])}"` : '';
      out.push(`<pre><code${language}>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const quoted = /^\s*>\s?(.*)$/.exec(line);
    if (quoted) {
      quote.push(inline(quoted[1] as string));
      continue;
    }
    flushQuote();
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      out.push(`<b>${inline(heading[1] as string)}</b>`);
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push('──────────');
      continue;
    }
    const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
    if (bullet) {
      out.push(`${bullet[1]}• ${inline(bullet[2] as string)}`);
      continue;
    }
    out.push(inline(line));
  }
  flushQuote();
  return out.join('\n');
}

/** The last index ≤ max where `text` may be cut: after a blank line, else a line end, else a space. */
function cutIndex(text: string, max: number): number {
  const window = text.slice(0, max);
  const paragraph = window.lastIndexOf('\n\n');
  if (paragraph > max * 0.5) return paragraph + 2;
  const line = window.lastIndexOf('\n');
  if (line > max * 0.3) return line + 1;
  const space = window.lastIndexOf(' ');
  if (space > max * 0.3) return space + 1;
  // A hard cut must not separate the halves of a surrogate pair.
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

/** The fence line left open at the end of `text` (given the one open at its start), or undefined. */
function openFenceAfter(text: string, openAtStart: string | undefined): string | undefined {
  let open = openAtStart;
  for (const line of text.split('\n')) {
    const fence = FENCE.exec(line);
    if (!fence) continue;
    if (open === undefined) open = line.trim();
    else if (line.trim().startsWith(open.slice(0, 3)) && !fence[2]) open = undefined;
  }
  return open;
}

/**
 * Splits Markdown into pieces of at most `limit` characters, on paragraph, line or word boundaries. A code block
 * cut in two is closed at the end of one piece and reopened at the start of the next, so each renders alone.
 */
export function splitForTelegram(text: string, limit: number = TELEGRAM_TEXT_LIMIT): string[] {
  const pieces: string[] = [];
  let rest = text;
  let reopen: string | undefined;
  const CLOSE = '\n```';
  while (true) {
    const prefix = reopen ? `${reopen}\n` : '';
    if (prefix.length + rest.length <= limit) {
      const last = prefix + rest;
      if (last.trim() || pieces.length === 0) pieces.push(last);
      return pieces;
    }
    const budget = limit - prefix.length - CLOSE.length;
    let head = prefix + rest.slice(0, cutIndex(rest, budget));
    rest = rest.slice(head.length - prefix.length);
    reopen = openFenceAfter(head.slice(prefix.length), reopen);
    head = head.replace(/\s+$/, '');
    if (reopen) head += CLOSE;
    rest = rest.replace(/^\n+/, '');
    pieces.push(head);
  }
}
