// Cutting text to a length in UTF-16 code units (what `string.length` counts and the limits use) without splitting
// a surrogate pair: half an emoji is an unpaired surrogate, which SQLite stores as invalid UTF-8 and reads back as
// U+FFFD, and which no input of the API accepts (docs/limits.md).

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** The first `max` units of `text` at most, one fewer when the cut would fall inside a pair. */
export function headOf(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = max > 0 && isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}

/** The last `max` units of `text` at most, one fewer when the cut would fall inside a pair. */
export function tailOf(text: string, max: number): string {
  if (text.length <= max) return text;
  const start = text.length - max;
  return text.slice(isLowSurrogate(text.charCodeAt(start)) ? start + 1 : start);
}
