/** Splits a character stream into newline-delimited JSON frames; keeps a trailing partial frame for later. */
export class NdjsonSplitter {
  /** The incomplete frame, in the pieces it arrived in (joined only once its end arrives). */
  private parts: string[] = [];
  private partsLength = 0;

  /**
   * The complete, non-empty lines completed by `chunk`. Linear in the chunk size, however many lines it holds,
   * and only the new chunk is searched for a newline: a long frame arriving in many chunks is not rescanned.
   */
  push(chunk: string): string[] {
    let newline = chunk.indexOf('\n');
    if (newline === -1) {
      if (chunk.length > 0) {
        this.parts.push(chunk);
        this.partsLength += chunk.length;
      }
      return [];
    }
    const lines: string[] = [];
    const first = this.parts.length > 0 ? this.parts.join('') + chunk.slice(0, newline) : chunk.slice(0, newline);
    if (first.length > 0) lines.push(first);
    this.parts = [];
    this.partsLength = 0;
    let start = newline + 1;
    newline = chunk.indexOf('\n', start);
    while (newline !== -1) {
      if (newline > start) lines.push(chunk.slice(start, newline));
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) {
      this.parts.push(chunk.slice(start));
      this.partsLength = chunk.length - start;
    }
    return lines;
  }

  /** Characters of the incomplete frame held back so far. */
  get pending(): number {
    return this.partsLength;
  }

  /** The first `chars` characters of the incomplete frame (where a request's id is). */
  head(chars: number): string {
    let head = '';
    for (const part of this.parts) {
      if (head.length >= chars) break;
      head += part.slice(0, chars - head.length);
    }
    return head;
  }

  reset(): void {
    this.parts = [];
    this.partsLength = 0;
  }
}

/**
 * The largest frame (one JSON document, in characters) either end of the pipe accepts. A request over it is
 * answered with PAYLOAD_TOO_LARGE for that call only (docs/limits.md).
 */
export const MAX_FRAME_CHARS = 16 * 1024 * 1024;
