// Keyset pagination for lists that grow without bound (sessions, a session's messages, runs, memory chunks):
// a page ends with the sort key of its last row, and the next page starts strictly after that key, through
// the index of the list's order. No OFFSET: page 1000 costs what page 1 costs, and rows inserted meanwhile
// neither repeat nor shift the pages after them.
import { InvalidInputError } from './errors.ts';

/** One page of a list and the cursor of the page after it (null: this is the last page). */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** The page size when the caller gives none, and the largest one served. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** A sort key: the ordering columns' values of the last row, ending with a unique column as tiebreaker. */
export type PageKey = readonly (string | number)[];
type KeyShape = readonly ('string' | 'number')[];

/** Opaque to clients: they hand it back unchanged, so its form may change without a protocol change. */
export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The key a cursor holds, checked against the list's key shape; anything else is the caller's input error. */
export function decodeCursor(cursor: string, shape: KeyShape): PageKey {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const fits =
    Array.isArray(key) &&
    key.length === shape.length &&
    key.every((value, i) => typeof value === shape[i] && (typeof value !== 'number' || Number.isFinite(value)));
  if (!fits) throw InvalidInputError.field('cursor', 'is not a cursor of this list (pass back a next_cursor as given)');
  return key as PageKey;
}

export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw InvalidInputError.field('limit', `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return limit;
}

/**
 * The page from rows read with `limit + 1`: the extra row only tells that another page exists, and the cursor is
 * the key of the page's last row.
 */
export function pageOf<Row, T>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => PageKey,
  toItems: (rows: Row[]) => T[],
): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return {
    items: toItems(kept),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
