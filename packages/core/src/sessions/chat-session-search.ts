// Case-insensitive "contains" over chat messages. A query of 3+ ASCII characters is a trigram phrase of the
// chat_messages_fts index (packages/db/drizzle/0003_chat_messages_fts.sql); LIKE, which folds case for ASCII only, checks
// the messages of given sessions; any other query is matched in JS with full Unicode case folding.
import { chatMessages, type Db, inArray, type SQL, sql } from '@restflow/db';
import { snippetAround } from './chat-text.ts';

export interface MessageMatches {
  count: number;
  /** Text around the match in the session's first matching message. */
  preview: string;
}

/**
 * Beyond this many matching messages the index's answer is not gathered: the term is frequent, and walking the
 * newest sessions finds a page of hits sooner than collecting every match.
 */
export const INDEXED_MATCH_CAP = 2000;

export const isAscii = (text: string) => !/[^\p{ASCII}]/u.test(text);
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export const likeContains = (column: SQL.Aliased | SQL | { name: string }, needle: string): SQL =>
  sql`${column} LIKE ${`%${escapeLike(needle)}%`} ESCAPE '\\'`;

export function previewOfMatch(content: string, query: string): string {
  const index = content.toLowerCase().indexOf(query.toLowerCase());
  return snippetAround(content, Math.max(0, index), query.length);
}

interface MatchRow {
  sessionId: string;
  count: number;
  content: string;
}

const toMap = (rows: MatchRow[], query: string) =>
  new Map(rows.map((r) => [r.sessionId, { count: r.count, preview: previewOfMatch(r.content, query) }]));

/** A session's matches as the index gives them: how many, and the key of the first (the earliest appended). */
export interface IndexedMatches {
  count: number;
  firstKey: number;
}

/**
 * The matches of an ASCII query of 3+ characters from the trigram index, per session; undefined when there are
 * more than INDEXED_MATCH_CAP of them. Reads only the index and its key table (in key order), no message.
 */
export function indexedMessageMatches(db: Db, query: string): Map<string, IndexedMatches> | undefined {
  const phrase = `"${query.replaceAll('"', '""')}"`;
  // Only the keys first, capped: a frequent term stops here after INDEXED_MATCH_CAP + 1 index entries.
  const keys = db.$client
    .prepare('SELECT rowid FROM chat_messages_fts WHERE chat_messages_fts MATCH ? LIMIT ?')
    .pluck()
    .all(phrase, INDEXED_MATCH_CAP + 1) as number[];
  if (keys.length > INDEXED_MATCH_CAP) return undefined;
  if (keys.length === 0) return new Map();
  const rows = db.$client
    .prepare(
      `SELECT session_id AS sessionId, count(*) AS count, min(pk) AS firstKey FROM chat_messages_fts_keys
        WHERE pk IN (SELECT value FROM json_each(?)) GROUP BY session_id`,
    )
    .all(JSON.stringify(keys)) as ({ sessionId: string } & IndexedMatches)[];
  return new Map(rows.map((r) => [r.sessionId, { count: r.count, firstKey: r.firstKey }]));
}

/** Counts and previews for the sessions shown: only their first matching messages are read. */
export function previewsOf(
  db: Db,
  query: string,
  matches: Map<string, IndexedMatches>,
  sessionIds: string[],
): Map<string, MessageMatches> {
  const firstKeys = sessionIds.flatMap((id) => matches.get(id)?.firstKey ?? []);
  const rows = db.$client
    .prepare(
      `SELECT k.session_id AS sessionId, m.content AS content
         FROM chat_messages_fts_keys k JOIN chat_messages m ON m.id = k.message_id
        WHERE k.pk IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(firstKeys)) as { sessionId: string; content: string }[];
  return new Map(
    rows.map((r) => [
      r.sessionId,
      { count: matches.get(r.sessionId)?.count ?? 0, preview: previewOfMatch(r.content, query) },
    ]),
  );
}

/** The matches of an ASCII query within the given sessions (their messages only, through the seq index). */
export function matchesInSessions(db: Db, query: string, sessionIds: string[]): Map<string, MessageMatches> {
  if (sessionIds.length === 0) return new Map();
  const rows = db
    .select({
      sessionId: chatMessages.sessionId,
      count: sql<number>`count(*)`,
      firstSeq: sql<number>`min(${chatMessages.seq})`,
      content: chatMessages.content,
    })
    .from(chatMessages)
    .where(sql`${inArray(chatMessages.sessionId, sessionIds)} AND ${likeContains(chatMessages.content, query)}`)
    .groupBy(chatMessages.sessionId)
    .all();
  return toMap(rows, query);
}

/** Every session's matches with full Unicode case folding, read from every message (non-ASCII queries). */
export function findMessageMatches(db: Db, query: string): Map<string, MessageMatches> {
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
