// Chat sessions' reads that need the database only: the lists' rows and summaries, and message search. What the
// daemon's search thread runs (docs/lifecycle.md#the-search-thread), through a read-only connection of its own, as
// well as ChatSessionService on the daemon's thread: a message search over a million messages takes ~15-30 ms, and
// a query the trigram index cannot answer (not ASCII) reads every message.
import { and, chatSessions, type Db, desc, eq, type SQL, sql, statementsOf } from '@restflow/db';
import { newestFirstPage } from '../newest-first-page.ts';
import { encodeCursor, type Page } from '../page-cursor.ts';
import type { ChatSessionSearchHit, ChatSessionSummary } from './chat-session-model.ts';
import {
  findMessageMatches,
  type IndexedMatches,
  indexedMessageMatches,
  isAscii,
  likeContains,
  type MessageMatches,
  matchesInSessions,
  previewsOf,
} from './chat-session-search.ts';
import { messagePreview, PREVIEW_CHARS } from './chat-text.ts';

export type SessionRow = typeof chatSessions.$inferSelect;

/**
 * The start of a message `m`'s content, enough for its preview: one character more than the preview shows tells
 * whether it is cut, and SQLite's substr counts characters as the preview does. substr stops at a NUL character,
 * which content may hold, so such content is read whole.
 */
const PREVIEW_START = `CASE WHEN instr(m.content, char(0)) > 0 THEN m.content ELSE substr(m.content, 1, ${PREVIEW_CHARS + 1}) END`;

/**
 * The start of the last message of the session `sessionId` names (an SQL expression): the newest entry of the
 * (session_id, seq) index and that one message, however long the chat. Only the start: a long reply is not copied
 * whole into the daemon's memory for 50 of its characters.
 */
const lastMessageStartOf = (sessionId: string) =>
  `(SELECT ${PREVIEW_START} FROM chat_messages m WHERE m.session_id = ${sessionId} ORDER BY m.seq DESC LIMIT 1)`;

/** A summary's columns, the last message's start among them. */
const SUMMARY_COLUMNS = `s.id, s.name, s.agent_id, s.model, s.message_count, s.updated_at, s.skill_id,
  ${lastMessageStartOf('s.id')}`;

type SummaryColumns = [string, string, string, string, number, number, string | null, string | null];

/** A summary from a session's columns (a row, or the list's columns) and the start of its last message (none: null). */
function summaryOf(
  row: Pick<SessionRow, 'id' | 'name' | 'agentId' | 'model' | 'messageCount' | 'updatedAt' | 'skillId'>,
  lastContent: string | null | undefined,
): ChatSessionSummary {
  const summary: ChatSessionSummary = {
    id: row.id,
    name: row.name,
    agent_id: row.agentId,
    model: row.model,
    message_count: row.messageCount,
    updated_at: row.updatedAt,
  };
  if (row.skillId) summary.skill_id = row.skillId;
  if (lastContent != null) summary.last_message_preview = messagePreview(lastContent);
  return summary;
}

const summaryFromColumns = ([id, name, agentId, model, messageCount, updatedAt, skillId, last]: SummaryColumns) =>
  summaryOf({ id, name, agentId, model, messageCount, updatedAt, skillId }, last);

/** Sessions checked per statement while a search walks them newest first. */
const WALK_BATCH = 100;

/** Per session of the JSON array given, its id and the start of its last message (null when it has none). */
const LAST_MESSAGES = `SELECT j.value, ${lastMessageStartOf('j.value')} FROM json_each(?) j`;

export class ChatSessionReads {
  constructor(private readonly db: Db) {}

  /**
   * Sessions whose name or any message contains `needle` (trimmed, not empty, no NUL: the service checks), of one
   * agent or all, in list order after the keyset position `after`; at most `limit` of them.
   */
  searchHits(
    needle: string,
    agentId: string | undefined,
    limit: number,
    after: readonly [number, string] | undefined,
  ): ChatSessionSearchHit[] {
    const before = after && sql`(${chatSessions.updatedAt}, ${chatSessions.id}) < (${after[0]}, ${after[1]})`;
    const lowered = needle.toLowerCase();
    const nameMatches = (row: SessionRow) => row.name.toLowerCase().includes(lowered);
    if (isAscii(needle)) {
      const indexed = needle.length >= 3 ? indexedMessageMatches(this.db, needle) : undefined;
      if (indexed) {
        const rows = this.indexedHitRows(indexed, needle, agentId, limit, before);
        const shown = previewsOf(
          this.db,
          needle,
          indexed,
          rows.map((r) => r.id),
        );
        return this.hitsOf(rows, shown, limit);
      }
      return this.walkSessions(needle, agentId, nameMatches, limit, after && encodeCursor(after));
    }
    const matches = findMessageMatches(this.db, needle);
    const filter = and(agentId !== undefined ? eq(chatSessions.agentId, agentId) : undefined, before);
    const rows = this.rowsWhere(filter).filter((r) => matches.has(r.id) || nameMatches(r));
    return this.hitsOf(rows, matches, limit);
  }

  /** The first `limit` sessions, in list order, holding indexed matches or whose name matches. */
  private indexedHitRows(
    matches: Map<string, IndexedMatches>,
    needle: string,
    agentId: string | undefined,
    limit: number,
    before: SQL | undefined,
  ): SessionRow[] {
    const hit = sql`(${chatSessions.id} IN (SELECT value FROM json_each(${JSON.stringify([...matches.keys()])})) OR ${likeContains(chatSessions.name, needle)})`;
    const query = this.db
      .select()
      .from(chatSessions)
      .where(and(agentId === undefined ? undefined : eq(chatSessions.agentId, agentId), before, hit))
      .orderBy(desc(chatSessions.updatedAt), desc(chatSessions.id));
    return Number.isFinite(limit) ? query.limit(limit).all() : query.all();
  }

  /** Newest sessions first, a batch at a time, until `limit` of them match by name or message. */
  private walkSessions(
    needle: string,
    agentId: string | undefined,
    nameMatches: (row: SessionRow) => boolean,
    limit: number,
    from: string | undefined,
  ): ChatSessionSearchHit[] {
    const hits: SessionRow[] = [];
    const matches = new Map<string, MessageMatches>();
    let cursor = from;
    do {
      const page = this.rowPage(agentId, cursor, WALK_BATCH);
      const found = matchesInSessions(
        this.db,
        needle,
        page.rows.map((r) => r.id),
      );
      for (const row of page.rows) {
        const match = found.get(row.id);
        if (match) matches.set(row.id, match);
        if (match || nameMatches(row)) hits.push(row);
        if (hits.length >= limit) break;
      }
      cursor = page.next;
    } while (cursor !== undefined && hits.length < limit);
    return this.hitsOf(hits, matches, limit);
  }

  /** Session rows in list order after a keyset position (the walk's batches). */
  private rowPage(agentId: string | undefined, after: string | undefined, size: number) {
    const page = this.rowsPage(agentId !== undefined ? [eq(chatSessions.agentId, agentId)] : [], after, size);
    return { rows: page.items, next: page.next_cursor ?? undefined };
  }

  /** One keyset page of session rows matching `conditions`, in list order (updated_at, then id, descending). */
  rowsPage(conditions: SQL[], cursor: string | undefined, size: number): Page<SessionRow> {
    return newestFirstPage(
      this.db,
      chatSessions,
      {
        columns: [chatSessions.updatedAt, chatSessions.id],
        shape: ['number', 'string'],
        of: (r) => [r.updatedAt, r.id],
      },
      conditions,
      cursor,
      size,
    );
  }

  private hitsOf(rows: SessionRow[], matches: Map<string, MessageMatches>, limit: number): ChatSessionSearchHit[] {
    return this.summaries(rows.slice(0, limit)).map((summary) => {
      const match = matches.get(summary.id);
      const hit: ChatSessionSearchHit = { ...summary, match_count: match?.count ?? 0 };
      if (match) hit.match_preview = match.preview;
      return hit;
    });
  }

  /**
   * The summaries of one agent's and/or one skill's sessions (or all), in list order (most recently updated first,
   * then id): one statement, its rows read as arrays and shaped here. `sessions.list` answers every client's refresh
   * with it, so it runs often (bench/RESULTS.md, "the client's share, and what survives a scavenge").
   */
  listSummaries(agentId: string | undefined, skillId: string | undefined): ChatSessionSummary[] {
    const params: Record<string, string> = {};
    const filters: string[] = [];
    if (agentId !== undefined) {
      filters.push('s.agent_id = @agent_id');
      params.agent_id = agentId;
    }
    if (skillId !== undefined) {
      filters.push('s.skill_id = @skill_id');
      params.skill_id = skillId;
    }
    const where = filters.length > 0 ? `WHERE ${filters.join(' AND ')}` : '';
    const statement = statementsOf(this.db.$client)(
      `SELECT ${SUMMARY_COLUMNS} FROM chat_sessions s ${where} ORDER BY s.updated_at DESC, s.id DESC`,
    );
    return (statement.raw(true).all(params) as SummaryColumns[]).map(summaryFromColumns);
  }

  /** Session rows matching `filter`, in list order (most recently updated first, then id). */
  rowsWhere(filter?: ReturnType<typeof and>): SessionRow[] {
    const query = this.db.select().from(chatSessions);
    return (filter ? query.where(filter) : query).orderBy(desc(chatSessions.updatedAt), desc(chatSessions.id)).all();
  }

  /** The rows' summaries, each with its last message's preview. */
  summaries(rows: SessionRow[]): ChatSessionSummary[] {
    if (rows.length === 0) return [];
    const last = statementsOf(this.db.$client)(LAST_MESSAGES)
      .raw(true)
      .all(JSON.stringify(rows.map((r) => r.id))) as [string, string | null][];
    const lastContent = new Map(last);
    return rows.map((row) => summaryOf(row, lastContent.get(row.id)));
  }
}
