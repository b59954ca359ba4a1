// The keyset read of a list shown newest first (runs, memory chunks, chat sessions; page-cursor.ts): the rows
// after the cursor's key in (time, tiebreaker) descending order, through the index of that order, plus one row
// that only tells whether another page follows.
import { and, type Db, desc, type SQL, type SQLiteColumn, type SQLiteTable, sql } from '@restflow/db';
import { decodeCursor, type Page, type PageKey, pageOf } from './page-cursor.ts';

export interface NewestFirstKey<Row> {
  /** The time column and the unique column that breaks its ties, both read descending. */
  columns: readonly [SQLiteColumn, SQLiteColumn];
  /** What a cursor of this list holds: the time, then the tiebreaker. */
  shape: readonly ['number', 'string' | 'number'];
  of: (row: Row) => PageKey;
}

/** One page of `table`'s rows matching `conditions`, newest first, after `cursor` (absent: the first page). */
export function newestFirstPage<TTable extends SQLiteTable>(
  db: Db,
  table: TTable,
  key: NewestFirstKey<TTable['$inferSelect']>,
  conditions: SQL[],
  cursor: string | undefined,
  size: number,
): Page<TTable['$inferSelect']> {
  const [time, tiebreaker] = key.columns;
  const where = [...conditions];
  if (cursor !== undefined) {
    const [after, afterTie] = decodeCursor(cursor, key.shape);
    where.push(sql`(${time}, ${tiebreaker}) < (${after}, ${afterTie})`);
  }
  const rows = db
    .select()
    .from(table as SQLiteTable)
    .where(and(...where))
    .orderBy(desc(time), desc(tiebreaker))
    .limit(size + 1)
    .all() as TTable['$inferSelect'][];
  return pageOf(rows, size, key.of, (kept) => kept);
}
