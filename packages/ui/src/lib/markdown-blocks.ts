/**
 * Splits Markdown into top-level blocks at blank lines outside fenced code, so a streaming answer re-renders
 * only its last, growing block: the blocks before it are complete and never change again.
 *
 * A blank line inside a fence (``` or ~~~, as long as or longer than the opening one) does not split. Loose
 * lists and indented code may be split into several blocks; each still renders the same way on its own (an
 * ordered list keeps its start number).
 */
export function splitMarkdownBlocks(text: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let fence: { char: string; length: number } | null = null;
  const flush = () => {
    if (current.some((line) => line.trim() !== '')) blocks.push(current.join('\n'));
    current = [];
  };
  for (const line of text.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      current.push(line);
      if (marker && marker[0] === fence.char && marker.length >= fence.length && line.trim() === marker) fence = null;
      continue;
    }
    if (marker) {
      fence = { char: marker[0] as string, length: marker.length };
      current.push(line);
      continue;
    }
    if (line.trim() === '') flush();
    else current.push(line);
  }
  flush();
  return blocks;
}
