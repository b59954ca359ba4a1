/**
 * Splits a byte stream into newline-delimited JSON frames; keeps a trailing partial frame for later. Works on the
 * Buffers a socket reads, not on decoded text: a partial frame is held as the read buffers themselves (no decoded
 * copy beside them, nothing the collector has to move) and a frame is joined and decoded once, when its end
 * arrives. A newline byte never occurs inside a multi-byte UTF-8 sequence, so splitting on it is safe.
 */
export class NdjsonSplitter {
  /** The incomplete frame, in the pieces it arrived in (joined only once its end arrives). */
  private parts: Buffer[] = [];
  private partsLength = 0;
  /**
   * Small pieces are copied together here instead of being held one by one: a peer writing a byte at a time would
   * otherwise cost a Buffer object (a few hundred bytes) per byte it counts for.
   */
  private scratch: Buffer | undefined;
  private scratchFill = 0;

  /**
   * The complete, non-empty lines completed by `chunk`. Linear in the chunk size, however many lines it holds,
   * and only the new chunk is searched for a newline: a long frame arriving in many chunks is not rescanned.
   */
  push(chunk: Buffer): Buffer[] {
    let newline = chunk.indexOf(NEWLINE);
    if (newline === -1) {
      this.append(chunk);
      return [];
    }
    const lines: Buffer[] = [];
    const end = chunk.subarray(0, newline);
    const first = this.partsLength > 0 ? Buffer.concat([...this.pieces(), end], this.partsLength + newline) : end;
    if (first.length > 0) lines.push(first);
    this.reset();
    let start = newline + 1;
    newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      if (newline > start) lines.push(chunk.subarray(start, newline));
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) this.append(chunk.subarray(start));
    return lines;
  }

  /** Bytes of the incomplete frame held back so far. */
  get pending(): number {
    return this.partsLength;
  }

  /** The start of the incomplete frame, up to `bytes` bytes, as text (where a request's id is). */
  head(bytes: number): string {
    const pieces: Buffer[] = [];
    let length = 0;
    for (const part of this.pieces()) {
      if (length >= bytes) break;
      const piece = part.subarray(0, bytes - length);
      pieces.push(piece);
      length += piece.length;
    }
    return Buffer.concat(pieces, length).toString('utf8');
  }

  reset(): void {
    this.parts = [];
    this.partsLength = 0;
    this.scratch = undefined;
    this.scratchFill = 0;
  }

  private append(piece: Buffer): void {
    if (piece.length === 0) return;
    this.partsLength += piece.length;
    if (piece.length >= SMALL_PIECE_BYTES) {
      this.seal();
      this.parts.push(piece);
      return;
    }
    if (this.scratch === undefined || this.scratchFill + piece.length > this.scratch.length) {
      this.seal();
      this.scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
    }
    piece.copy(this.scratch, this.scratchFill);
    this.scratchFill += piece.length;
  }

  /** Moves the scratch buffer's content to the parts; a mostly empty one is copied so its room is not kept. */
  private seal(): void {
    if (this.scratch === undefined) return;
    const filled = this.scratch.subarray(0, this.scratchFill);
    this.parts.push(this.scratchFill * 2 < this.scratch.length ? Buffer.from(filled) : filled);
    this.scratch = undefined;
    this.scratchFill = 0;
  }

  private pieces(): Buffer[] {
    return this.scratch === undefined ? this.parts : [...this.parts, this.scratch.subarray(0, this.scratchFill)];
  }
}

const NEWLINE = 0x0a;
const SMALL_PIECE_BYTES = 16 * 1024;
const SCRATCH_BYTES = 64 * 1024;

/**
 * The largest frame (one JSON document, in bytes of UTF-8 as it travels) either end of the pipe accepts, as the
 * WebSocket's message limit. A request over it is answered with PAYLOAD_TOO_LARGE for that call only
 * (docs/limits.md).
 */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
