// Wire shapes of memory (docs/entities.md#memory; snake_case, ms timestamps) and the row → wire mappers.
import type { MemorySource, memoryChunks, memorySessions } from '@restflow/db';

export type { MemorySource };
export type MemorySourceType = MemorySource['type'];
export const MEMORY_SOURCE_TYPES = ['task_execution', 'conversation', 'manual_note', 'agent_generated'] as const;

export type SearchMode = 'keyword' | 'phrase' | 'regex';
export const SEARCH_MODES = ['keyword', 'phrase', 'regex'] as const;

export const CHUNK_ID_PREFIX = 'chunk-';
export const SESSION_ID_PREFIX = 'session-';

export interface MemoryChunk {
  id: string;
  agent_id: string;
  session_id: string | null;
  content: string;
  content_hash: string;
  source: MemorySource;
  created_at: number;
  tags: string[];
  token_count: number | null;
}

export interface MemorySession {
  id: string;
  agent_id: string;
  name: string;
  description: string | null;
  chunk_count: number;
  total_tokens: number;
  created_at: number;
  updated_at: number;
  tags: string[];
}

export interface MemoryStats {
  agent_id: string;
  session_count: number;
  chunk_count: number;
  total_tokens: number;
  oldest_memory: number | null;
  newest_memory: number | null;
}

/** What callers give to store one chunk; everything but the content has a default. */
export interface StoreChunkInput {
  /** An agent id or unique prefix; absent or empty = the first agent created. */
  agent_id?: string | null;
  content: string;
  session_id?: string | null;
  tags?: string[];
  source?: MemorySource;
  token_count?: number | null;
  created_at?: number;
}

/** A filtered memory search; `limit` defaults to 50, `offset` to 0. */
export interface MemorySearchQuery {
  /** An agent id or unique prefix; absent = the first agent created. */
  agent_id?: string | null;
  query?: string | null;
  search_mode?: SearchMode;
  session_id?: string | null;
  /** Chunks must carry ALL of these (case-insensitive). */
  tags?: string[];
  source_type?: MemorySourceType | null;
  from_time?: number | null;
  to_time?: number | null;
  limit?: number;
  offset?: number;
}

export interface MemorySearchResult {
  chunks: MemoryChunk[];
  /** Exact up to SEARCH_TOTAL_CAP (unless total_estimated); beyond it the cap, with total_capped set ("1000+"). */
  total_count: number;
  has_more: boolean;
  /** Set (true) when more chunks match than total_count says: the count stopped at the cap. */
  total_capped?: boolean;
  /**
   * Set (true) when total_count is an estimate: a frequent term's page was found among the newest chunks, and
   * the total extrapolated from the share of them that match (memory-search.ts, searchNewest).
   */
  total_estimated?: boolean;
}

/**
 * Keyword and phrase search count their matches exactly up to this many: past it, a term found in a third of a
 * large memory would make every search walk all of its matches for a number nobody reads as exact.
 */
export const SEARCH_TOTAL_CAP = 1000;

export const DEFAULT_SEARCH_LIMIT = 50;

type ChunkRow = typeof memoryChunks.$inferSelect;
type SessionRow = typeof memorySessions.$inferSelect;

export const chunkToWire = (row: ChunkRow): MemoryChunk => ({
  id: row.id,
  agent_id: row.agentId,
  session_id: row.sessionId,
  content: row.content,
  content_hash: row.contentHash,
  source: row.source,
  created_at: row.createdAt,
  tags: row.tags,
  token_count: row.tokenCount,
});

export const sessionToWire = (row: SessionRow): MemorySession => ({
  id: row.id,
  agent_id: row.agentId,
  name: row.name,
  description: row.description,
  chunk_count: row.chunkCount,
  total_tokens: row.totalTokens,
  created_at: row.createdAt,
  updated_at: row.updatedAt,
  tags: row.tags,
});

/** Trims, drops empties and de-duplicates case-insensitively, keeping the first spelling. */
export function normalizeTags(tags: readonly string[] | undefined): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags ?? []) {
    const tag = raw.trim();
    const key = tag.toLowerCase();
    if (!tag || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

/** ~4 characters per token: the estimate restflow uses wherever no real count is known. */
export const estimateTokens = (text: string): number => Math.ceil([...text].length / 4);
