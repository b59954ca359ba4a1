// Reads a text file's lines from its end, a block at a time, so asking for the last few lines of a log file of
// many megabytes costs a few blocks rather than the whole file decoded and split (`logs.list` is called by every
// console and CLI that shows logs, and the daemon's log file grows to its rotation size).
import fs from 'node:fs';

/** Bytes read per step from the end; a line longer than this is put together from several blocks. */
export const TAIL_BLOCK_BYTES = 64 * 1024;

/**
 * The file's non-empty lines, newest first, decoded as UTF-8 once each line is complete (a newline byte never
 * occurs inside a multi-byte character, so cutting blocks anywhere is safe). Stop iterating to stop reading.
 */
export function* linesFromEnd(file: string, blockBytes = TAIL_BLOCK_BYTES): Generator<string> {
  const fd = fs.openSync(file, 'r');
  try {
    let position = fs.fstatSync(fd).size;
    /** The start of the line that begins before the block just read (what follows the block's first newline). */
    let carry: Buffer = Buffer.alloc(0);
    while (position > 0) {
      const length = Math.min(blockBytes, position);
      position -= length;
      const block = Buffer.allocUnsafe(length);
      fs.readSync(fd, block, 0, length, position);
      let end = length;
      let newline = block.lastIndexOf(0x0a, end - 1);
      while (newline !== -1) {
        const piece = block.subarray(newline + 1, end);
        const line = carry.length > 0 ? Buffer.concat([piece, carry]) : piece;
        carry = Buffer.alloc(0);
        if (line.length > 0) yield line.toString('utf8');
        end = newline;
        newline = end > 0 ? block.lastIndexOf(0x0a, end - 1) : -1;
      }
      // What is left of the block belongs to a line that started earlier in the file (or is the first line).
      carry = carry.length > 0 ? Buffer.concat([block.subarray(0, end), carry]) : Buffer.from(block.subarray(0, end));
    }
    if (carry.length > 0) yield carry.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
