// Text shortening rules of chat sessions, counted in characters (code points), not UTF-16 units.

/** The first `max` characters plus "..." when longer; the text itself otherwise. */
export function truncateWithEllipsis(text: string, max: number): string {
  // No more UTF-16 units than `max`: no more characters either, and no array of them to build.
  if (text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('')}...` : text;
}

/** Session name from the first user message: one line, 30 characters. */
export function autoSessionName(content: string): string {
  return truncateWithEllipsis(content.replace(/\s+/g, ' ').trim(), 30);
}

/** The characters of a message a preview shows (lists read no more of a message than one more than these). */
export const PREVIEW_CHARS = 50;

export const messagePreview = (content: string): string => truncateWithEllipsis(content, PREVIEW_CHARS);

const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * Up to `radius` characters either side of the match, on one line, with "..." where cut. Never cut inside a
 * surrogate pair (an emoji), which would hand out half of it: an unpaired surrogate no input would accept.
 */
export function snippetAround(content: string, index: number, length: number, radius = 30): string {
  let start = Math.max(0, index - radius);
  if (start > 0 && isLowSurrogate(content.charCodeAt(start))) start--;
  let end = Math.min(content.length, index + length + radius);
  if (end < content.length && isLowSurrogate(content.charCodeAt(end))) end++;
  const middle = content.slice(start, end).replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '...' : ''}${middle}${end < content.length ? '...' : ''}`;
}
