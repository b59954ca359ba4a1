// Long-term agent memory (docs/entities.md#memory): chunks de-duplicated by a global sha256 of their content,
// memory sessions, stats, search (filtered / ranked / unified with chat) and markdown export.

import { createHash } from 'node:crypto';
import { and, asc, count, desc, eq, memoryChunks, memorySessions, type SQL, sql } from '@restflow/db';
import type { AgentService } from '../agents/agent.service.ts';
import type { CoreContext } from '../core-context.ts';
import type { Deleted } from '../deleted.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { resolveIdIn } from '../id-prefix.ts';
import { newestFirstPage } from '../newest-first-page.ts';
import { type Page, pageSize } from '../page-cursor.ts';
import { type ReadArgs, type ReadName, type ReadThread, readOffThread } from '../read-thread.ts';
import { type ChunkerOptions, chunkText } from './chunker.ts';
import {
  type ExportOptions,
  type ExportPreset,
  type ExportResult,
  renderAgentExport,
  renderSessionExport,
  resolveExportOptions,
} from './export.ts';
import {
  CHUNK_ID_PREFIX,
  chunkToWire,
  estimateTokens,
  type MemoryChunk,
  type MemorySearchQuery,
  type MemorySearchResult,
  type MemorySession,
  type MemoryStats,
  normalizeTags,
  type StoreChunkInput,
} from './memory-model.ts';
import { memoryQueries } from './memory-queries.ts';
import { MemoryReads } from './memory-reads.ts';
import { type CreateMemorySessionInput, MemorySessionStore, type UpdateMemorySessionInput } from './memory-sessions.ts';
import type { RankedSearchResult, RankOptions } from './ranked.ts';
import type { UnifiedSearchQuery, UnifiedSearchResults } from './unified-search.ts';

export interface ListChunksOptions {
  agent_id?: string;
  tag?: string;
  session_id?: string;
  limit?: number;
  offset?: number;
}

export interface ImportChunkInput {
  content: string;
  session_id?: string | null;
  tags?: string[];
  source?: StoreChunkInput['source'];
  token_count?: number | null;
  created_at?: number;
}

export interface ExportMemoryInput {
  agent_id?: string;
  session_id?: string;
  preset?: ExportPreset;
  options?: Partial<ExportOptions>;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export class MemoryService {
  private readonly reads: MemoryReads;
  private readonly sessionStore: MemorySessionStore;
  /** Where the *OffThread searches go, once the daemon's search thread is ready (useReadThread). */
  private readThread: ReadThread | undefined;

  constructor(
    private readonly core: CoreContext,
    private readonly agents: AgentService,
  ) {
    this.reads = new MemoryReads(core.db);
    this.sessionStore = new MemorySessionStore(core.db, core.clock, core.ids);
  }

  /** better-sqlite3 transactions nest (savepoints), so store() is atomic alone and inside import(). */
  private atomically<T>(fn: () => T): T {
    return this.core.db.$client.transaction(fn)();
  }

  // ── agents and ids ────────────────────────────────────────────────────────────────────────────────

  /**
   * An agent id (or unique prefix); none = the first agent created. Memory left by a
   * deleted agent stays reachable under its exact id.
   */
  resolveAgentId(ref?: string | null): string {
    const { db } = this.core;
    if (!ref) {
      const first = this.agents.oldestId();
      if (!first) throw InvalidInputError.field('agent_id', 'required: there is no agent to default to');
      return first;
    }
    if (this.agents.find(ref)) return ref;
    const orphaned = db
      .select({ id: memoryChunks.id })
      .from(memoryChunks)
      .where(eq(memoryChunks.agentId, ref))
      .limit(1)
      .get();
    if (orphaned) return ref;
    return this.agents.resolveId(ref);
  }

  /** Accepts `chunk-…` ids, the id without its prefix, or a unique prefix of either. */
  resolveChunkId(ref: string): string {
    return resolveIdIn(this.core.db, 'memory_chunks', 'Memory chunk', ref, CHUNK_ID_PREFIX);
  }

  // ── chunks ────────────────────────────────────────────────────────────────────────────────────────

  /** Stores one chunk; content already stored (by any agent) returns the existing chunk instead. */
  storeChunk(input: StoreChunkInput): MemoryChunk {
    return this.store(input).chunk;
  }

  /** Like storeChunk, and tells whether the chunk is new. */
  store(input: StoreChunkInput): { chunk: MemoryChunk; created: boolean } {
    if (!input.content.trim()) throw InvalidInputError.field('content', 'must not be empty');
    const agentId = this.resolveAgentId(input.agent_id);
    const { db } = this.core;
    const hash = sha256(input.content);
    const queries = memoryQueries(db);
    const existing = queries.chunkByHash.get({ hash });
    if (existing) return { chunk: chunkToWire(existing), created: false };
    const tags = normalizeTags(input.tags);
    const source = input.source ?? { type: 'manual_note' as const };
    const row = {
      id: `${CHUNK_ID_PREFIX}${this.core.ids.uuid()}`,
      agentId,
      sessionId: input.session_id ?? null,
      content: input.content,
      contentHash: hash,
      sourceType: source.type,
      source,
      createdAt: input.created_at ?? this.core.clock.now(),
      tags,
      // Stats and session totals need a figure; the ~4 chars/token estimate is what restflow's chunker uses.
      tokenCount: input.token_count ?? estimateTokens(input.content),
    };
    this.atomically(() => {
      queries.insertChunk.run({
        id: row.id,
        agent_id: row.agentId,
        session_id: row.sessionId,
        content: row.content,
        content_hash: row.contentHash,
        source_type: row.sourceType,
        source: row.source,
        created_at: row.createdAt,
        tags: row.tags,
        token_count: row.tokenCount,
      });
      for (const tag of tags) queries.insertTag.run({ chunk_id: row.id, tag: tag.toLowerCase() });
      if (row.sessionId) this.sessionStore.refreshStats(row.sessionId);
    });
    this.core.changes.publish({ entity: 'memory', id: row.id, action: 'created' });
    const chunk: MemoryChunk = {
      id: row.id,
      agent_id: agentId,
      session_id: row.sessionId,
      content: row.content,
      content_hash: hash,
      source,
      created_at: row.createdAt,
      tags,
      token_count: row.tokenCount,
    };
    return { chunk, created: true };
  }

  /** Splits long text (chunker defaults: 1600 chars, 320 overlap) and stores every piece. */
  storeText(input: StoreChunkInput, chunker?: ChunkerOptions): MemoryChunk[] {
    const pieces = chunkText(input.content, chunker);
    if (pieces.length === 0) throw InvalidInputError.field('content', 'must not be empty');
    return pieces.map((content) => this.storeChunk({ ...input, content, token_count: undefined }));
  }

  find(id: string): MemoryChunk | undefined {
    const row = this.core.db.select().from(memoryChunks).where(eq(memoryChunks.id, id)).get();
    return row ? chunkToWire(row) : undefined;
  }

  get(ref: string): MemoryChunk {
    const chunk = this.find(this.resolveChunkId(ref));
    if (!chunk) throw new NotFoundError('Memory chunk', ref);
    return chunk;
  }

  /** An agent's chunks, newest first. */
  list(agentRef?: string | null, page: { limit?: number; offset?: number } = {}): MemoryChunk[] {
    return this.listChunks({ agent_id: this.resolveAgentId(agentRef), ...page });
  }

  /** A memory session's chunks, oldest first. */
  listForSession(sessionId: string): MemoryChunk[] {
    return this.core.db
      .select()
      .from(memoryChunks)
      .where(eq(memoryChunks.sessionId, sessionId))
      .orderBy(asc(memoryChunks.createdAt), asc(memoryChunks.pk))
      .all()
      .map(chunkToWire);
  }

  /** Chunks carrying `tag` (case-insensitive), across agents unless one is given; newest first. */
  listByTag(tag: string, options: Omit<ListChunksOptions, 'tag'> = {}): MemoryChunk[] {
    return this.listChunks({ ...options, tag });
  }

  /** The list procedure: by agent and/or tag (neither: every agent's chunks), optionally one session, paginated. */
  listChunks(options: ListChunksOptions): MemoryChunk[] {
    const conditions = this.chunkListConditions(options);
    const query = this.core.db
      .select()
      .from(memoryChunks)
      .where(and(...conditions))
      .orderBy(desc(memoryChunks.createdAt), desc(memoryChunks.pk))
      // SQLite has no OFFSET without LIMIT, and the query builder drops a LIMIT of -1: "no limit" is the largest.
      .limit(options.limit ?? Number.MAX_SAFE_INTEGER)
      .offset(options.offset ?? 0);
    return query.all().map(chunkToWire);
  }

  /**
   * One page of the list, newest first: `cursor` is the `next_cursor` of the page before (keyset on created_at
   * and the chunk's integer key, through memory_chunks_agent_idx / memory_chunks_created_idx).
   */
  listChunksPage(options: Omit<ListChunksOptions, 'offset'> & { cursor?: string }): Page<MemoryChunk> {
    const page = newestFirstPage(
      this.core.db,
      memoryChunks,
      {
        columns: [memoryChunks.createdAt, memoryChunks.pk],
        shape: ['number', 'number'],
        of: (r) => [r.createdAt, r.pk],
      },
      this.chunkListConditions(options),
      options.cursor,
      pageSize(options.limit),
    );
    return { items: page.items.map(chunkToWire), next_cursor: page.next_cursor };
  }

  private chunkListConditions(options: Omit<ListChunksOptions, 'offset'>): SQL[] {
    const conditions: SQL[] = [];
    if (options.agent_id) conditions.push(eq(memoryChunks.agentId, this.resolveAgentId(options.agent_id)));
    if (options.session_id) conditions.push(eq(memoryChunks.sessionId, options.session_id));
    const tag = options.tag?.trim().toLowerCase();
    if (tag) {
      conditions.push(
        sql`EXISTS (SELECT 1 FROM memory_chunk_tags t WHERE t.chunk_id = ${memoryChunks.id} AND t.tag = ${tag})`,
      );
    }
    return conditions;
  }

  existsByContent(content: string): boolean {
    const hash = sha256(content);
    return !!this.core.db
      .select({ id: memoryChunks.id })
      .from(memoryChunks)
      .where(eq(memoryChunks.contentHash, hash))
      .get();
  }

  /** Tags go with it (cascade), the FTS index by trigger. */
  delete(ref: string): Deleted {
    const id = this.resolveChunkId(ref);
    const row = memoryQueries(this.core.db).deleteChunk.get({ id });
    if (row?.sessionId) this.sessionStore.refreshStats(row.sessionId);
    if (!row) throw new NotFoundError('Memory chunk', ref);
    this.core.changes.publish({ entity: 'memory', id, action: 'deleted' });
    return { deleted: true, id };
  }

  /** Deletes every chunk of the agent (its memory sessions stay, emptied); returns how many. */
  deleteForAgent(agentRef: string): number {
    const agentId = this.resolveAgentId(agentRef);
    const { db } = this.core;
    return this.atomically(() => {
      const n = db.delete(memoryChunks).where(eq(memoryChunks.agentId, agentId)).run().changes;
      db.update(memorySessions).set({ chunkCount: 0, totalTokens: 0 }).where(eq(memorySessions.agentId, agentId)).run();
      this.core.changes.publish({ entity: 'memory', id: agentId, action: 'deleted' });
      return n;
    });
  }

  /** All-or-nothing; `imported` counts new chunks, `chunk_ids` has one id per input (existing for duplicates). */
  import(agentRef: string | undefined, chunks: readonly ImportChunkInput[]): { imported: number; chunk_ids: string[] } {
    const agentId = this.resolveAgentId(agentRef);
    return this.atomically(() => {
      let imported = 0;
      const ids = chunks.map((chunk, i) => {
        if (!chunk.content.trim()) throw InvalidInputError.field(`chunks.${i}.content`, 'must not be empty');
        const stored = this.store({ ...chunk, agent_id: agentId });
        if (stored.created) imported++;
        return stored.chunk.id;
      });
      return { imported, chunk_ids: ids };
    });
  }

  stats(agentRef?: string | null): MemoryStats {
    const agentId = this.resolveAgentId(agentRef);
    const totals = this.core.db
      .select({
        chunks: count(),
        tokens: sql<number>`coalesce(sum(${memoryChunks.tokenCount}), 0)`,
        oldest: sql<number | null>`min(${memoryChunks.createdAt})`,
        newest: sql<number | null>`max(${memoryChunks.createdAt})`,
      })
      .from(memoryChunks)
      .where(eq(memoryChunks.agentId, agentId))
      .get();
    return {
      agent_id: agentId,
      session_count: this.sessionStore.count(agentId),
      chunk_count: totals?.chunks ?? 0,
      total_tokens: totals?.tokens ?? 0,
      oldest_memory: totals?.oldest ?? null,
      newest_memory: totals?.newest ?? null,
    };
  }

  // ── search ────────────────────────────────────────────────────────────────────────────────────────

  /** Filtered search, newest first. */
  search(query: MemorySearchQuery): MemorySearchResult {
    return this.reads.search(this.resolved(query));
  }

  /** Every match scored (frequency, recency, tags) and sorted best first. */
  searchRanked(query: MemorySearchQuery, options: RankOptions = {}): RankedSearchResult {
    return this.reads.ranked(this.resolved(query), options, this.core.clock.now());
  }

  /** Memory and the agent's chat messages in one ranked list. */
  searchUnified(query: UnifiedSearchQuery): UnifiedSearchResults {
    return this.reads.unifiedWithChat(this.resolved(query), this.core.clock.now());
  }

  // The same three searches, run by the search thread when there is one (their procedures, the agent engine's
  // memory_search tool): a search holds the event loop for ~0.5 ms at 300 chunks, ~20 ms at 1M, and a regex or
  // ranked one reads every candidate, every other call waiting behind it.

  async searchOffThread(query: MemorySearchQuery): Promise<MemorySearchResult> {
    return this.offThread('search', [this.resolved(query)]);
  }

  async searchRankedOffThread(query: MemorySearchQuery, options: RankOptions = {}): Promise<RankedSearchResult> {
    return this.offThread('ranked', [this.resolved(query), options, this.core.clock.now()]);
  }

  async searchUnifiedOffThread(query: UnifiedSearchQuery): Promise<UnifiedSearchResults> {
    return this.offThread('unifiedWithChat', [this.resolved(query), this.core.clock.now()]);
  }

  /** From now on the *OffThread searches go to `thread` (none: they run here again). */
  useReadThread(thread: ReadThread | undefined): void {
    this.readThread = thread;
  }

  private offThread<K extends ReadName<'memory'>>(name: K, args: ReadArgs<'memory', K>) {
    return readOffThread(this.readThread, { memory: this.reads }, 'memory', name, args);
  }

  private resolved<Q extends MemorySearchQuery>(query: Q): Q & { agent_id: string } {
    return { ...query, agent_id: this.resolveAgentId(query.agent_id) };
  }

  // ── sessions ──────────────────────────────────────────────────────────────────────────────────────

  createSession(input: Omit<CreateMemorySessionInput, 'agent_id'> & { agent_id?: string | null }): MemorySession {
    if (!input.name.trim()) throw InvalidInputError.field('name', 'must not be empty');
    return this.sessionStore.create({ ...input, agent_id: this.resolveAgentId(input.agent_id) });
  }

  getSession(ref: string): MemorySession {
    return this.sessionStore.get(ref);
  }

  listSessions(agentRef?: string | null): MemorySession[] {
    return this.sessionStore.list(this.resolveAgentId(agentRef));
  }

  updateSession(ref: string, patch: UpdateMemorySessionInput): MemorySession {
    return this.sessionStore.update(ref, patch);
  }

  refreshSessionStats(ref: string): MemorySession {
    const id = this.sessionStore.resolveId(ref);
    return this.sessionStore.refreshStats(id) ?? this.sessionStore.get(id);
  }

  deleteSession(ref: string, deleteChunks = false): Deleted {
    return this.sessionStore.delete(ref, deleteChunks);
  }

  // ── export ────────────────────────────────────────────────────────────────────────────────────────

  /** One session's chunks when `session_id` is given, else everything of the agent. */
  export(input: ExportMemoryInput): ExportResult {
    const options = resolveExportOptions(input.preset, input.options);
    const now = this.core.clock.now();
    if (input.session_id) {
      const session = this.sessionStore.get(input.session_id);
      return renderSessionExport(session, this.listForSession(session.id), options, now);
    }
    const agentId = this.resolveAgentId(input.agent_id);
    return renderAgentExport(
      agentId,
      this.sessionStore.list(agentId),
      this.listChunks({ agent_id: agentId }).reverse(),
      options,
      now,
    );
  }
}
