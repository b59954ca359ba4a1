// Text shortening rules of chat sessions, counted in characters (code points), not UTF-16 units.

/** The first `max` characters plus "..." when longer; the text itself otherwise. */
export function truncateWithEllipsis(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('')}...` : text;
}

/** Session name from the first user message: one line, 30 characters. */
export function autoSessionName(content: string): string {
  return truncateWithEllipsis(content.replace(/\s+/g, ' ').trim(), 30);
}

export const messagePreview = (content: string): string => truncateWithEllipsis(content, 50);

/** Up to `radius` characters either side of the match, on one line, with "..." where cut. */
export function snippetAround(content: string, index: number, length: number, radius = 30): string {
  const start = Math.max(0, index - radius);
  const end = Math.min(content.length, index + length + radius);
  const middle = content.slice(start, end).replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '...' : ''}${middle}${end < content.length ? '...' : ''}`;
}
