// Box-drawn tables for the CLI's text output (the layout cli-table3 printed before). Written here because every
// list command loads it at start: cli-table3 came with @colors/colors and its own emoji-regex, a chunk that cost
// each `restflow … list` more than the rest of its output.
import { eastAsianWidth } from 'get-east-asian-width';

const PLAIN = /^[\x20-\x7e]*$/;
/** No column of their own: marks (combining accents), format (ZWJ), controls, an emoji's skin-tone modifier. */
const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}\p{Cc}\p{Emoji_Modifier}]/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;

/**
 * Columns `text` takes in a terminal, per code point: East Asian wide and emoji take two. string-width answers this
 * grapheme by grapheme, but loading it (an Intl.Segmenter and Unicode-set regexes) costs more than the command
 * itself; the two differ only on emoji sequences joined by ZWJ, counted here once per emoji in the sequence.
 */
export function terminalWidth(text: string): number {
  if (PLAIN.test(text)) return text.length;
  let width = 0;
  for (const char of text) {
    if (ZERO_WIDTH.test(char)) continue;
    width += PICTOGRAPHIC.test(char) || eastAsianWidth(char.codePointAt(0) ?? 0) === 2 ? 2 : 1;
  }
  return width;
}

/** A cell's lines: each one a line of the table row. */
const linesOf = (cell: string) => cell.split(/\r?\n/);

const padTo = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - terminalWidth(text)));

/** `head` and `rows` as a table, rows ruled apart, one space of padding; a cell with line breaks spans lines. */
export function boxTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [head, ...rows];
  const widths = head.map((_, column) =>
    Math.max(...all.flatMap((row) => linesOf(row[column] ?? '').map((line) => terminalWidth(line)))),
  );
  const rule = (left: string, middle: string, right: string) =>
    `${left}${widths.map((width) => '─'.repeat(width + 2)).join(middle)}${right}`;
  const rowLines = (row: readonly string[]) => {
    const cells = widths.map((_, column) => linesOf(row[column] ?? ''));
    const height = Math.max(...cells.map((lines) => lines.length));
    return Array.from(
      { length: height },
      (_, line) => `│ ${cells.map((lines, column) => padTo(lines[line] ?? '', widths[column] ?? 0)).join(' │ ')} │`,
    );
  };
  return [
    rule('┌', '┬', '┐'),
    ...rowLines(head),
    rule('├', '┼', '┤'),
    ...rows.flatMap((row, index) => (index === 0 ? rowLines(row) : [rule('├', '┼', '┤'), ...rowLines(row)])),
    rule('└', '┴', '┘'),
  ].join('\n');
}
