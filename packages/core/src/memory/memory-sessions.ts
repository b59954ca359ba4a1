// Memory sessions (docs/entities.md#memory-sessions): named groups of an agent's chunks whose
// chunk_count / total_tokens are kept in step with the chunks that point at them.

import { count, type Db, desc, eq, memoryChunks, memorySessions, sql } from '@restflow/db';
import type { Deleted } from '../deleted.ts';
import { NotFoundError } from '../errors.ts';
import { resolveIdIn } from '../id-prefix.ts';
import type { Clock, IdGenerator } from '../runtime.ts';
import { type MemorySession, normalizeTags, SESSION_ID_PREFIX, sessionToWire } from './memory-model.ts';

export interface CreateMemorySessionInput {
  agent_id: string;
  name: string;
  description?: string | null;
  tags?: string[];
}

export interface UpdateMemorySessionInput {
  name?: string;
  description?: string | null;
  tags?: string[];
}

export class MemorySessionStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** Ids may be given in full, without the `session-` prefix, or as a unique prefix of either. */
  resolveId(ref: string): string {
    return resolveIdIn(this.db, 'memory_sessions', 'Memory session', ref, SESSION_ID_PREFIX);
  }

  create(input: CreateMemorySessionInput): MemorySession {
    const now = this.clock.now();
    const row = {
      id: `${SESSION_ID_PREFIX}${this.ids.uuid()}`,
      agentId: input.agent_id,
      name: input.name,
      description: input.description ?? null,
      chunkCount: 0,
      totalTokens: 0,
      createdAt: now,
      updatedAt: now,
      tags: normalizeTags(input.tags),
    };
    this.db.insert(memorySessions).values(row).run();
    return sessionToWire(row);
  }

  find(id: string): MemorySession | undefined {
    const row = this.db.select().from(memorySessions).where(eq(memorySessions.id, id)).get();
    return row ? sessionToWire(row) : undefined;
  }

  get(ref: string): MemorySession {
    const session = this.find(this.resolveId(ref));
    if (!session) throw new NotFoundError('Memory session', ref);
    return session;
  }

  /** Newest activity first. */
  list(agentId: string): MemorySession[] {
    return this.db
      .select()
      .from(memorySessions)
      .where(eq(memorySessions.agentId, agentId))
      .orderBy(desc(memorySessions.updatedAt), desc(memorySessions.createdAt))
      .all()
      .map(sessionToWire);
  }

  count(agentId: string): number {
    return this.db.select({ n: count() }).from(memorySessions).where(eq(memorySessions.agentId, agentId)).get()?.n ?? 0;
  }

  update(ref: string, patch: UpdateMemorySessionInput): MemorySession {
    const current = this.get(ref);
    const next = {
      name: patch.name ?? current.name,
      description: patch.description === undefined ? current.description : patch.description,
      tags: patch.tags === undefined ? current.tags : normalizeTags(patch.tags),
      updatedAt: Math.max(this.clock.now(), current.updated_at),
    };
    this.db.update(memorySessions).set(next).where(eq(memorySessions.id, current.id)).run();
    return { ...current, name: next.name, description: next.description, tags: next.tags, updated_at: next.updatedAt };
  }

  /** Recounts chunk_count / total_tokens from the chunks; a no-op (undefined) when no such session exists. */
  refreshStats(id: string): MemorySession | undefined {
    const totals = this.db
      .select({ n: count(), tokens: sql<number>`coalesce(sum(${memoryChunks.tokenCount}), 0)` })
      .from(memoryChunks)
      .where(eq(memoryChunks.sessionId, id))
      .get();
    const result = this.db
      .update(memorySessions)
      .set({
        chunkCount: totals?.n ?? 0,
        totalTokens: totals?.tokens ?? 0,
        updatedAt: sql`max(${memorySessions.updatedAt}, ${this.clock.now()})`,
      })
      .where(eq(memorySessions.id, id))
      .run();
    return result.changes > 0 ? this.find(id) : undefined;
  }

  /**
   * Deletes the session; its chunks are deleted too (`deleteChunks`) or kept and detached, so they show up
   * as unsessioned memories rather than pointing at nothing.
   */
  delete(ref: string, deleteChunks: boolean): Deleted {
    const id = this.resolveId(ref);
    return this.db.transaction((tx) => {
      if (deleteChunks) tx.delete(memoryChunks).where(eq(memoryChunks.sessionId, id)).run();
      else tx.update(memoryChunks).set({ sessionId: null }).where(eq(memoryChunks.sessionId, id)).run();
      tx.delete(memorySessions).where(eq(memorySessions.id, id)).run();
      return { deleted: true as const, id };
    });
  }
}
