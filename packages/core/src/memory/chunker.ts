// Splits long text into overlapping chunks for memory (docs/entities.md#chunks):
// ~1600 characters (~400 tokens) per chunk, 320 characters shared with the next, cuts moved to word boundaries.
// Lengths count Unicode code points, so a cut never splits a surrogate pair.

export interface ChunkerOptions {
  chunk_size?: number;
  overlap?: number;
  /** A final piece shorter than this is merged into the chunk before it. */
  min_chunk_size?: number;
}

export const DEFAULT_CHUNKER_OPTIONS = { chunk_size: 1600, overlap: 320, min_chunk_size: 200 } as const;

/** How far a cut may move to reach whitespace before it falls back to a hard cut. */
const WORD_BOUNDARY_WINDOW = 100;

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/.test(ch);

/** The position just after the last whitespace in (start, end], or `end` when the window has none. */
function cutBackward(chars: string[], start: number, end: number): number {
  for (let i = end - 1; i > Math.max(start, end - WORD_BOUNDARY_WINDOW); i--) if (isSpace(chars[i])) return i + 1;
  return end;
}

/** `pos` if a word starts there, else just after the next whitespace (or `pos` when the window has none). */
function cutForward(chars: string[], pos: number): number {
  if (isSpace(chars[pos - 1])) return pos;
  const limit = Math.min(chars.length, pos + WORD_BOUNDARY_WINDOW);
  for (let i = pos; i < limit; i++) if (isSpace(chars[i])) return i + 1;
  return pos;
}

export function chunkText(text: string, options: ChunkerOptions = {}): string[] {
  const size = Math.max(1, options.chunk_size ?? DEFAULT_CHUNKER_OPTIONS.chunk_size);
  const overlap = Math.max(0, options.overlap ?? DEFAULT_CHUNKER_OPTIONS.overlap);
  const minSize = options.min_chunk_size ?? DEFAULT_CHUNKER_OPTIONS.min_chunk_size;
  const trimmed = text.trim();
  if (!trimmed) return [];
  const chars = [...trimmed];
  if (chars.length <= size) return [trimmed];

  const spans: [number, number][] = [];
  let start = 0;
  for (;;) {
    let end = Math.min(start + size, chars.length);
    if (end < chars.length) end = cutBackward(chars, start, end);
    spans.push([start, end]);
    if (end >= chars.length) break;
    // The next chunk re-reads the last `overlap` characters, starting on a word; it must always move forward.
    const next = cutForward(chars, Math.max(start + 1, end - overlap));
    start = Math.min(next, end);
  }
  const last = spans.at(-1) as [number, number];
  const beforeLast = spans.at(-2);
  if (beforeLast && last[1] - last[0] < minSize) {
    beforeLast[1] = last[1];
    spans.pop();
  }
  return spans.map(([s, e]) => chars.slice(s, e).join('').trim()).filter(Boolean);
}

/** Formats a conversation as `[role]: content` blocks and chunks it. */
export function chunkMessages(messages: readonly { role: string; content: string }[], options?: ChunkerOptions) {
  return chunkText(messages.map((m) => `[${m.role}]: ${m.content}`).join('\n\n'), options);
}
