/** Splits a character stream into newline-delimited JSON frames; keeps a trailing partial frame for later. */
export class NdjsonSplitter {
  private rest = '';

  /** The complete, non-empty lines completed by `chunk`. Linear in the chunk size, however many lines it holds. */
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines: string[] = [];
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      if (newline > start) lines.push(text.slice(start, newline));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    this.rest = start === 0 ? text : text.slice(start);
    return lines;
  }

  /** Characters of the incomplete frame held back so far. */
  get pending(): number {
    return this.rest.length;
  }

  reset(): void {
    this.rest = '';
  }
}
