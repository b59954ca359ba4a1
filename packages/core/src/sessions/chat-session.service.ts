import { and, asc, chatMessages, chatSessions, count, desc, eq, lt, type SQL, sql, statementsOf } from '@restflow/db';
import type { AgentService, StoredAgent } from '../agents/agent.service.ts';
import type { CoreContext } from '../core-context.ts';
import type { Deleted } from '../deleted.ts';
import { InvalidInputError, NotFoundError, UnavailableError } from '../errors.ts';
import { resolveRefIn } from '../id-prefix.ts';
import { findModel } from '../models/catalogue.ts';
import { newestFirstPage } from '../newest-first-page.ts';
import { decodeCursor, encodeCursor, type Page, pageOf, pageSize } from '../page-cursor.ts';
import type { SkillService } from '../skills/skill.service.ts';
import {
  type ChatMessage,
  type ChatMessagePatch,
  type ChatSession,
  type ChatSessionPatch,
  type ChatSessionSearchHit,
  type ChatSessionSummary,
  DEFAULT_SESSION_MODEL,
  DEFAULT_SESSION_NAME,
  type MessageExecution,
  type NewChatMessage,
  type NewChatSession,
  type StoredChatMessage,
} from './chat-session-model.ts';
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
import { autoSessionName, messagePreview } from './chat-text.ts';

export * from './chat-session-model.ts';

type SessionRow = typeof chatSessions.$inferSelect;

export interface SessionListFilter {
  /** A unique prefix of an existing agent, or the full id of a deleted one. */
  agent_id?: string;
  skill_id?: string;
}
type MessageRow = typeof chatMessages.$inferSelect;

function messageToWire(row: MessageRow): ChatMessage {
  const message: ChatMessage = { id: row.id, role: row.role, content: row.content, timestamp: row.timestamp };
  if (row.execution) message.execution = row.execution;
  if (row.runId) message.run_id = row.runId;
  return message;
}

const storedMessage = (row: MessageRow): StoredChatMessage => ({
  ...messageToWire(row),
  session_id: row.sessionId,
  seq: row.seq,
});

function summaryOf(row: SessionRow, lastContent: string | undefined): ChatSessionSummary {
  const summary: ChatSessionSummary = {
    id: row.id,
    name: row.name,
    agent_id: row.agentId,
    model: row.model,
    message_count: row.messageCount,
    updated_at: row.updatedAt,
  };
  if (row.skillId) summary.skill_id = row.skillId;
  if (lastContent !== undefined) summary.last_message_preview = messagePreview(lastContent);
  return summary;
}

/** An assistant message stored without execution details counts as a finished, empty execution. */
const EMPTY_EXECUTION: MessageExecution = { steps: [], duration_ms: 0, tokens_used: 0, status: 'completed' };

/** "default" or a catalogue model (aliases such as `sonnet` normalised). */
export function normalizeSessionModel(model: string): string {
  const trimmed = model.trim();
  if (trimmed === DEFAULT_SESSION_MODEL) return trimmed;
  const found = findModel(trimmed);
  if (!found) throw InvalidInputError.field('model', `unknown model "${model}" (use "default" or a model id)`);
  return found.model;
}

function assertName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw InvalidInputError.field('name', 'must not be empty');
  return trimmed;
}

/** Sessions checked per statement while a search walks them newest first. */
const WALK_BATCH = 100;

/**
 * Per session of the JSON array given, its last message's content: its last seq and then that one message, both
 * through (session_id, seq); a filter of every message against its session's max(seq) would read each message of
 * a long chat.
 */
const LAST_MESSAGES = `SELECT m.session_id, m.content FROM json_each(?) j
  CROSS JOIN chat_messages m ON m.session_id = j.value
   AND m.seq = (SELECT max(m2.seq) FROM chat_messages m2 WHERE m2.session_id = j.value)`;

export class ChatSessionService {
  constructor(
    private readonly core: CoreContext,
    private readonly agents: AgentService,
    private readonly skills: SkillService,
  ) {}

  // ── sessions ──────────────────────────────────────────────────────────────────────────────────────────

  /** Accepts a full id or a unique prefix. */
  resolveId(idOrPrefix: string): string {
    return resolveRefIn(this.core.db, 'chat_sessions', 'Chat session', idOrPrefix);
  }

  exists(id: string): boolean {
    const row = this.core.db.select({ id: chatSessions.id }).from(chatSessions).where(eq(chatSessions.id, id)).get();
    return row !== undefined;
  }

  private row(idOrPrefix: string): SessionRow {
    const id = this.resolveId(idOrPrefix);
    const row = this.core.db.select().from(chatSessions).where(eq(chatSessions.id, id)).get();
    if (!row) throw new NotFoundError('Chat session', idOrPrefix);
    return row;
  }

  /** The full session with every message, oldest first. */
  get(idOrPrefix: string): ChatSession {
    const row = this.row(idOrPrefix);
    const messages = this.core.db
      .select()
      .from(chatMessages)
      .where(eq(chatMessages.sessionId, row.id))
      .orderBy(asc(chatMessages.seq))
      .all()
      .map(messageToWire);
    const session: ChatSession = {
      id: row.id,
      name: row.name,
      agent_id: row.agentId,
      model: row.model,
      messages,
      created_at: row.createdAt,
      updated_at: row.updatedAt,
      metadata: { total_tokens: row.totalTokens, message_count: row.messageCount },
    };
    if (row.skillId) session.skill_id = row.skillId;
    if (row.lastModel) session.metadata.last_model = row.lastModel;
    return session;
  }

  summary(idOrPrefix: string): ChatSessionSummary {
    return this.summaries([this.row(idOrPrefix)])[0] as ChatSessionSummary;
  }

  /**
   * Summaries, most recently updated first; optionally of one agent (a unique prefix of an existing agent, or
   * the full id of a deleted one) and/or one skill.
   */
  list(filter: SessionListFilter = {}): ChatSessionSummary[] {
    const conditions = this.listConditions(filter);
    return this.summaries(this.rowsWhere(conditions.length > 0 ? and(...conditions) : undefined));
  }

  private listConditions(filter: SessionListFilter): SQL[] {
    const conditions: SQL[] = [];
    if (filter.agent_id !== undefined)
      conditions.push(eq(chatSessions.agentId, this.agentIdForFilter(filter.agent_id)));
    if (filter.skill_id !== undefined) conditions.push(eq(chatSessions.skillId, filter.skill_id));
    return conditions;
  }

  /**
   * One page of the list, in its order (most recently updated first, then id): `cursor` is the `next_cursor` of
   * the page before. Read by keyset off chat_sessions_updated_idx / chat_sessions_agent_updated_idx.
   */
  listPage(filter: SessionListFilter & { cursor?: string; limit?: number } = {}): Page<ChatSessionSummary> {
    const page = this.rowsPage(this.listConditions(filter), filter.cursor, pageSize(filter.limit));
    return { items: this.summaries(page.items), next_cursor: page.next_cursor };
  }

  count(): number {
    return this.core.db.select({ n: count() }).from(chatSessions).get()?.n ?? 0;
  }

  create(input: NewChatSession = {}): ChatSession {
    const agent = input.agent_id !== undefined ? this.agents.get(input.agent_id) : this.defaultAgent();
    const model =
      input.model !== undefined ? normalizeSessionModel(input.model) : (agent.agent.model ?? DEFAULT_SESSION_MODEL);
    const skillId = input.skill_id !== undefined ? this.skills.get(input.skill_id).id : null;
    const now = this.core.clock.now();
    const id = this.core.ids.uuid();
    this.core.db
      .insert(chatSessions)
      .values({
        id,
        name: input.name !== undefined ? assertName(input.name) : DEFAULT_SESSION_NAME,
        agentId: agent.id,
        model,
        skillId,
        createdAt: now,
        updatedAt: now,
      })
      .run();
    this.core.changes.publish({ entity: 'sessions', id, action: 'created' });
    return this.get(id);
  }

  update(idOrPrefix: string, patch: ChatSessionPatch): ChatSession {
    const row = this.row(idOrPrefix);
    const set: Partial<SessionRow> = { updatedAt: Math.max(this.core.clock.now(), row.updatedAt) };
    if (patch.name !== undefined) set.name = assertName(patch.name);
    if (patch.agent_id !== undefined) set.agentId = this.agents.get(patch.agent_id).id;
    if (patch.model !== undefined) set.model = normalizeSessionModel(patch.model);
    this.core.db.update(chatSessions).set(set).where(eq(chatSessions.id, row.id)).run();
    this.core.changes.publish({ entity: 'sessions', id: row.id, action: 'updated' });
    return this.get(row.id);
  }

  rename(idOrPrefix: string, name: string): ChatSession {
    return this.update(idOrPrefix, { name });
  }

  /** Deletes the session and its messages. */
  delete(idOrPrefix: string): Deleted {
    const id = this.resolveId(idOrPrefix);
    const result = this.core.db.delete(chatSessions).where(eq(chatSessions.id, id)).run();
    if (result.changes === 0) throw new NotFoundError('Chat session', idOrPrefix);
    this.core.changes.publish({ entity: 'sessions', id, action: 'deleted' });
    return { deleted: true, id };
  }

  /** Deletes sessions last updated before `cutoffMs` (epoch ms); returns how many. */
  deleteOlderThan(cutoffMs: number): number {
    return this.core.db.delete(chatSessions).where(lt(chatSessions.updatedAt, cutoffMs)).run().changes;
  }

  /**
   * Sessions whose name or any message contains `query` (case-insensitive), most recently updated first,
   * each with its number of matching messages and a preview of the first match; at most `limit` of them.
   *
   * A query of 3+ ASCII characters is looked up in the trigram index (chat_messages_fts). When it matches more
   * messages than INDEXED_MATCH_CAP, the sessions are walked newest first instead, each checked with LIKE over
   * its own messages, until `limit` hits: a frequent term fills a page within a few sessions, and no search
   * gathers every match of a term found in half the history. Shorter ASCII queries take the same walk; other
   * queries (Unicode case folding) are matched in JS over every message.
   */
  search(query: string, options: { agent_id?: string; limit?: number } = {}): ChatSessionSearchHit[] {
    return this.findHits(query, options.agent_id, options.limit ?? Number.POSITIVE_INFINITY, undefined);
  }

  /**
   * One page of `search`'s hits, in the same order; `cursor` is the `next_cursor` of the page before (keyset on
   * updated_at and id, the list's own: a session updated meanwhile moves to the front and is not seen twice).
   */
  searchPage(
    query: string,
    options: { agent_id?: string; cursor?: string; limit?: number } = {},
  ): Page<ChatSessionSearchHit> {
    const size = pageSize(options.limit);
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, ['number', 'string']);
    const hits = this.findHits(query, options.agent_id, size + 1, after as readonly [number, string] | undefined);
    return pageOf(
      hits,
      size,
      (hit) => [hit.updated_at, hit.id],
      (kept) => kept,
    );
  }

  private findHits(
    query: string,
    agentRef: string | undefined,
    limit: number,
    after: readonly [number, string] | undefined,
  ): ChatSessionSearchHit[] {
    const needle = query.trim();
    if (!needle) throw InvalidInputError.field('query', 'must not be empty');
    // SQLite ends text at a NUL in FTS5 strings ("unterminated string") and in LIKE patterns (silently widening
    // the match), so such a query would fail or find the wrong sessions; memory search refuses it the same way.
    if (needle.includes('\u0000')) throw InvalidInputError.field('query', 'must not contain a NUL character');
    const agentId = agentRef !== undefined ? this.agentIdForFilter(agentRef) : undefined;
    const before = after && sql`(${chatSessions.updatedAt}, ${chatSessions.id}) < (${after[0]}, ${after[1]})`;
    const lowered = needle.toLowerCase();
    const nameMatches = (row: SessionRow) => row.name.toLowerCase().includes(lowered);
    if (isAscii(needle)) {
      const indexed = needle.length >= 3 ? indexedMessageMatches(this.core.db, needle) : undefined;
      if (indexed) {
        const rows = this.indexedHitRows(indexed, needle, agentId, limit, before);
        const shown = previewsOf(
          this.core.db,
          needle,
          indexed,
          rows.map((r) => r.id),
        );
        return this.hitsOf(rows, shown, limit);
      }
      return this.walkSessions(needle, agentId, nameMatches, limit, after && encodeCursor(after));
    }
    const matches = findMessageMatches(this.core.db, needle);
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
    const query = this.core.db
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
        this.core.db,
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
  private rowsPage(conditions: SQL[], cursor: string | undefined, size: number): Page<SessionRow> {
    return newestFirstPage(
      this.core.db,
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

  // ── messages ──────────────────────────────────────────────────────────────────────────────────────────

  /** Appends a message and returns the updated session (the `addMessage` procedure). */
  addMessage(sessionId: string, message: NewChatMessage): ChatSession {
    const stored = this.appendMessage(sessionId, message);
    return this.get(stored.session_id);
  }

  /**
   * Appends a message: bumps message_count, total_tokens (by execution.tokens_used) and updated_at, and names
   * a still-unnamed session after its first user message.
   */
  appendMessage(sessionId: string, message: NewChatMessage): StoredChatMessage {
    return this.core.db.transaction(() => {
      const session = this.row(sessionId);
      const now = this.core.clock.now();
      const last = this.core.db
        .select({ seq: sql<number | null>`max(${chatMessages.seq})` })
        .from(chatMessages)
        .where(eq(chatMessages.sessionId, session.id))
        .get();
      const execution = message.execution ?? (message.role === 'assistant' ? EMPTY_EXECUTION : null);
      const row: MessageRow = {
        id: this.core.ids.uuid(),
        sessionId: session.id,
        seq: (last?.seq ?? 0) + 1,
        role: message.role,
        content: message.content,
        timestamp: now,
        execution,
        runId: message.runId ?? null,
      };
      const namesSession =
        message.role === 'user' && session.name === DEFAULT_SESSION_NAME && !this.hasUserMessage(session.id);
      this.core.db.insert(chatMessages).values(row).run();
      this.core.db
        .update(chatSessions)
        .set({
          messageCount: session.messageCount + 1,
          totalTokens: session.totalTokens + (execution?.tokens_used ?? 0),
          updatedAt: Math.max(now, session.updatedAt),
          lastModel: message.model ?? session.lastModel,
          name: namesSession ? autoSessionName(message.content) || DEFAULT_SESSION_NAME : session.name,
        })
        .where(eq(chatSessions.id, session.id))
        .run();
      this.core.changes.publish({ entity: 'sessions', id: session.id, action: 'updated' });
      return storedMessage(row);
    });
  }

  /** Finalises a message written while streaming; token totals follow the change of tokens_used. */
  updateMessage(messageId: string, patch: ChatMessagePatch): StoredChatMessage {
    return this.core.db.transaction(() => {
      const current = this.messageRow(messageId);
      const next: MessageRow = {
        ...current,
        content: patch.content ?? current.content,
        execution: patch.execution ?? current.execution,
      };
      this.core.db
        .update(chatMessages)
        .set({ content: next.content, execution: next.execution })
        .where(eq(chatMessages.id, messageId))
        .run();
      const tokenDelta = (next.execution?.tokens_used ?? 0) - (current.execution?.tokens_used ?? 0);
      this.core.db
        .update(chatSessions)
        .set({
          totalTokens: sql`${chatSessions.totalTokens} + ${tokenDelta}`,
          updatedAt: sql`max(${chatSessions.updatedAt}, ${this.core.clock.now()})`,
        })
        .where(eq(chatSessions.id, current.sessionId))
        .run();
      this.core.changes.publish({ entity: 'sessions', id: current.sessionId, action: 'updated' });
      return storedMessage(next);
    });
  }

  getMessage(messageId: string): StoredChatMessage {
    return storedMessage(this.messageRow(messageId));
  }

  /** The last `limit` messages (all when absent), oldest first. */
  messages(sessionId: string, limit?: number): ChatMessage[] {
    return this.lastMessages(this.row(sessionId).id, limit).map(messageToWire);
  }

  /**
   * One page of a session's messages, going back in time: the first page holds the last `limit` messages, each
   * page oldest first, and `next_cursor` leads to the messages before it (keyset on the session's seq index).
   */
  messagesPage(sessionId: string, page: { cursor?: string; limit?: number } = {}): Page<ChatMessage> {
    const limit = pageSize(page.limit);
    const id = this.row(sessionId).id;
    const conditions = [eq(chatMessages.sessionId, id)];
    if (page.cursor !== undefined) {
      const [seq] = decodeCursor(page.cursor, ['number']);
      conditions.push(lt(chatMessages.seq, seq as number));
    }
    const rows = this.core.db
      .select()
      .from(chatMessages)
      .where(and(...conditions))
      .orderBy(desc(chatMessages.seq))
      .limit(limit + 1)
      .all();
    return pageOf(
      rows,
      limit,
      (r) => [r.seq],
      (newestFirst) => newestFirst.reverse().map(messageToWire),
    );
  }

  /** The last `n` messages, oldest first, with their ids and sequence numbers (agent-engine history). */
  recentMessages(sessionId: string, n: number): StoredChatMessage[] {
    return this.lastMessages(this.row(sessionId).id, n).map(storedMessage);
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────────────

  private lastMessages(sessionId: string, limit: number | undefined): MessageRow[] {
    const query = this.core.db
      .select()
      .from(chatMessages)
      .where(eq(chatMessages.sessionId, sessionId))
      .orderBy(desc(chatMessages.seq));
    const rows = limit === undefined ? query.all() : query.limit(Math.max(0, limit)).all();
    return rows.reverse();
  }

  private messageRow(messageId: string): MessageRow {
    const row = this.core.db.select().from(chatMessages).where(eq(chatMessages.id, messageId)).get();
    if (!row) throw new NotFoundError('Chat message', messageId);
    return row;
  }

  private hasUserMessage(sessionId: string): boolean {
    const row = this.core.db
      .select({ id: chatMessages.id })
      .from(chatMessages)
      .where(and(eq(chatMessages.sessionId, sessionId), eq(chatMessages.role, 'user')))
      .limit(1)
      .get();
    return row !== undefined;
  }

  private rowsWhere(filter?: ReturnType<typeof and>): SessionRow[] {
    const query = this.core.db.select().from(chatSessions);
    return (filter ? query.where(filter) : query).orderBy(desc(chatSessions.updatedAt), desc(chatSessions.id)).all();
  }

  private summaries(rows: SessionRow[]): ChatSessionSummary[] {
    if (rows.length === 0) return [];
    const last = statementsOf(this.core.db.$client)(LAST_MESSAGES)
      .raw(true)
      .all(JSON.stringify(rows.map((r) => r.id))) as [string, string][];
    const lastContent = new Map(last);
    return rows.map((row) => summaryOf(row, lastContent.get(row.id)));
  }

  /** The first agent created is the default one. */
  private defaultAgent(): StoredAgent {
    const first = this.agents.oldest();
    if (!first) throw new UnavailableError('No agent exists yet: create one first', { reason: 'NO_AGENT' });
    return first;
  }

  private agentIdForFilter(agentId: string): string {
    try {
      return this.agents.resolveId(agentId);
    } catch (error) {
      if (error instanceof NotFoundError) return agentId;
      throw error;
    }
  }
}
