import { describe, expect, it } from '@jest/globals';
import { headOf, tailOf } from '../src/text-cut.ts';

describe('cutting text to a length without splitting a surrogate pair', () => {
  it('keeps text that fits as it is', () => {
    expect(headOf('abc', 3)).toBe('abc');
    expect(tailOf('abc', 5)).toBe('abc');
  });

  it('cuts plain text at the length', () => {
    expect(headOf('abcdef', 4)).toBe('abcd');
    expect(tailOf('abcdef', 4)).toBe('cdef');
  });

  it('drops the half of an emoji a cut would split, never handing out an unpaired surrogate', () => {
    // '😀' is two code units: a cut after 3 units falls between its halves.
    expect(headOf('ab😀cd', 3)).toBe('ab');
    expect(headOf('ab😀cd', 4)).toBe('ab😀');
    expect(tailOf('ab😀cd', 3)).toBe('cd');
    expect(tailOf('ab😀cd', 4)).toBe('😀cd');
    expect(headOf('😀', 1)).toBe('');
    expect(tailOf('😀', 1)).toBe('');
  });
});
