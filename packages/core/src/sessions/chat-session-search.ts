// Case-insensitive "contains" over every message. SQLite's LIKE folds case for ASCII only, so an ASCII query
// runs in SQL and any other query is matched in JS with full Unicode case folding.
import { chatMessages, type Db, sql } from '@restflow/db';
import { snippetAround } from './chat-text.ts';

export interface MessageMatches {
  count: number;
  /** Text around the match in the session's first matching message. */
  preview: string;
}

const isAscii = (text: string) => !/[^\p{ASCII}]/u.test(text);
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function previewOfMatch(content: string, query: string): string {
  const index = content.toLowerCase().indexOf(query.toLowerCase());
  return snippetAround(content, Math.max(0, index), query.length);
}

export function findMessageMatches(db: Db, query: string): Map<string, MessageMatches> {
  return isAscii(query) ? matchInSql(db, query) : matchInJs(db, query);
}

function matchInSql(db: Db, query: string): Map<string, MessageMatches> {
  const pattern = `%${escapeLike(query)}%`;
  // With min(), SQLite takes the bare `content` column from the row holding the minimum: the first match.
  const rows = db
    .select({
      sessionId: chatMessages.sessionId,
      count: sql<number>`count(*)`,
      firstSeq: sql<number>`min(${chatMessages.seq})`,
      content: chatMessages.content,
    })
    .from(chatMessages)
    .where(sql`${chatMessages.content} LIKE ${pattern} ESCAPE '\\'`)
    .groupBy(chatMessages.sessionId)
    .all();
  return new Map(rows.map((r) => [r.sessionId, { count: r.count, preview: previewOfMatch(r.content, query) }]));
}

function matchInJs(db: Db, query: string): Map<string, MessageMatches> {
  const needle = query.toLowerCase();
  const matches = new Map<string, MessageMatches>();
  // Streamed row by row: the whole message table never sits in memory at once.
  const rows = db.$client
    .prepare('SELECT session_id AS sessionId, content FROM chat_messages ORDER BY session_id, seq')
    .iterate() as IterableIterator<{ sessionId: string; content: string }>;
  for (const { sessionId, content } of rows) {
    if (!content.toLowerCase().includes(needle)) continue;
    const found = matches.get(sessionId);
    if (found) found.count += 1;
    else matches.set(sessionId, { count: 1, preview: previewOfMatch(content, query) });
  }
  return matches;
}
