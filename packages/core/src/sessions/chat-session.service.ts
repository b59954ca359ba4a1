import { and, chatMessages, chatSessions, count, desc, eq, lt, type SQL, sql } from '@restflow/db';
import type { AgentService, StoredAgent } from '../agents/agent.service.ts';
import type { CoreContext } from '../core-context.ts';
import type { Deleted } from '../deleted.ts';
import { InvalidInputError, NotFoundError, UnavailableError } from '../errors.ts';
import { resolveRefIn } from '../id-prefix.ts';
import { findModel } from '../models/catalogue.ts';
import { decodeCursor, type Page, pageOf, pageSize } from '../page-cursor.ts';
import { type ReadArgs, type ReadThread, readOffThread } from '../read-thread.ts';
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
import { type ChatSessionQueries, chatSessionQueries } from './chat-session-queries.ts';
import { ChatSessionReads, type SessionRow } from './chat-session-reads.ts';
import { autoSessionName } from './chat-text.ts';

export * from './chat-session-model.ts';

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

type SearchPageOptions = { agent_id?: string; cursor?: string; limit?: number };

/** A page of search hits from `size` + 1 of them (the one more says there is a next page). */
const hitsPage = (hits: ChatSessionSearchHit[], size: number): Page<ChatSessionSearchHit> =>
  pageOf(
    hits,
    size,
    (hit) => [hit.updated_at, hit.id],
    (kept) => kept,
  );

export class ChatSessionService {
  /** The reads the search thread may run instead (read-thread.ts). */
  private readonly reads: ChatSessionReads;
  /** Where the *OffThread searches go, once the daemon's search thread is ready (useReadThread). */
  private readThread: ReadThread | undefined;

  constructor(
    private readonly core: CoreContext,
    private readonly agents: AgentService,
    private readonly skills: SkillService,
  ) {
    this.reads = new ChatSessionReads(core.db);
  }

  private get queries(): ChatSessionQueries {
    return chatSessionQueries(this.core.db);
  }

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
    const row = this.queries.session.get({ id: this.resolveId(idOrPrefix) });
    if (!row) throw new NotFoundError('Chat session', idOrPrefix);
    return row;
  }

  /** The full session with every message, oldest first. */
  get(idOrPrefix: string): ChatSession {
    const row = this.row(idOrPrefix);
    const messages = this.queries.messages.all({ session_id: row.id }).map(messageToWire);
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
    return this.reads.summaries([this.row(idOrPrefix)])[0] as ChatSessionSummary;
  }

  /**
   * Summaries, most recently updated first; optionally of one agent (a unique prefix of an existing agent, or
   * the full id of a deleted one) and/or one skill.
   */
  list(filter: SessionListFilter = {}): ChatSessionSummary[] {
    const agentId = filter.agent_id !== undefined ? this.agentIdForFilter(filter.agent_id) : undefined;
    return this.reads.listSummaries(agentId, filter.skill_id);
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
    const page = this.reads.rowsPage(this.listConditions(filter), filter.cursor, pageSize(filter.limit));
    return { items: this.reads.summaries(page.items), next_cursor: page.next_cursor };
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
    this.queries.insertSession.run({
      id,
      name: input.name !== undefined ? assertName(input.name) : DEFAULT_SESSION_NAME,
      agent_id: agent.id,
      model,
      skill_id: skillId,
      created_at: now,
      updated_at: now,
    });
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
    const result = this.queries.deleteSession.run({ id });
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
    return this.reads.searchHits(...this.searchArgs(query, options.agent_id, options.limit ?? Infinity, undefined));
  }

  /**
   * One page of `search`'s hits, in the same order; `cursor` is the `next_cursor` of the page before (keyset on
   * updated_at and id, the list's own: a session updated meanwhile moves to the front and is not seen twice).
   */
  searchPage(query: string, options: SearchPageOptions = {}): Page<ChatSessionSearchHit> {
    const size = pageSize(options.limit);
    return hitsPage(this.reads.searchHits(...this.searchPageArgs(query, options, size)), size);
  }

  // The same two, run by the search thread when there is one (their procedures).

  async searchOffThread(query: string, options: { agent_id?: string; limit?: number } = {}) {
    const args = this.searchArgs(query, options.agent_id, options.limit ?? Infinity, undefined);
    return readOffThread(this.readThread, { sessions: this.reads }, 'sessions', 'searchHits', args);
  }

  async searchPageOffThread(query: string, options: SearchPageOptions = {}): Promise<Page<ChatSessionSearchHit>> {
    const size = pageSize(options.limit);
    const args = this.searchPageArgs(query, options, size);
    return hitsPage(
      await readOffThread(this.readThread, { sessions: this.reads }, 'sessions', 'searchHits', args),
      size,
    );
  }

  /** From now on the *OffThread searches go to `thread` (none: they run here again). */
  useReadThread(thread: ReadThread | undefined): void {
    this.readThread = thread;
  }

  private searchPageArgs(query: string, options: SearchPageOptions, size: number) {
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, ['number', 'string']);
    return this.searchArgs(query, options.agent_id, size + 1, after as readonly [number, string] | undefined);
  }

  /**
   * The arguments of ChatSessionReads.searchHits for a query (trimmed, checked) of one agent's sessions or all,
   * after a page's keyset position.
   */
  private searchArgs(
    query: string,
    agentRef: string | undefined,
    limit: number,
    after: readonly [number, string] | undefined,
  ): ReadArgs<'sessions', 'searchHits'> {
    const needle = query.trim();
    if (!needle) throw InvalidInputError.field('query', 'must not be empty');
    // SQLite ends text at a NUL in FTS5 strings ("unterminated string") and in LIKE patterns (silently widening
    // the match), so such a query would fail or find the wrong sessions; memory search refuses it the same way.
    if (needle.includes('\u0000')) throw InvalidInputError.field('query', 'must not contain a NUL character');
    return [needle, agentRef !== undefined ? this.agentIdForFilter(agentRef) : undefined, limit, after];
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
      const last = this.queries.lastSeq.get({ session_id: session.id });
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
      this.queries.insertMessage.run({
        id: row.id,
        session_id: row.sessionId,
        seq: row.seq,
        role: row.role,
        content: row.content,
        timestamp: row.timestamp,
        execution: row.execution === null ? null : JSON.stringify(row.execution),
        run_id: row.runId,
      });
      this.queries.sessionAfterAppend.run({
        id: session.id,
        message_count: session.messageCount + 1,
        total_tokens: session.totalTokens + (execution?.tokens_used ?? 0),
        updated_at: Math.max(now, session.updatedAt),
        last_model: message.model ?? session.lastModel,
        name: namesSession ? autoSessionName(message.content) || DEFAULT_SESSION_NAME : session.name,
      });
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
    return this.queries.hasUserMessage.get({ session_id: sessionId }) !== undefined;
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
