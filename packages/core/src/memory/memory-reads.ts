// Memory's searches, each a function of the database and the time only: what the daemon's search thread runs,
// through a read-only connection of its own (docs/lifecycle.md#the-search-thread), as well as MemoryService on the
// daemon's thread. Their arguments and answers are plain data, so they cross a thread boundary as they are.
import type { Db } from '@restflow/db';
import type { MemorySearchResult } from './memory-model.ts';
import { MemorySearch } from './memory-search.ts';
import { type RankedSearchResult, type RankOptions, rankChunks } from './ranked.ts';
import type { ResolvedSearchQuery } from './search-plan.ts';
import { UnifiedSearch, type UnifiedSearchQuery, type UnifiedSearchResults } from './unified-search.ts';

export class MemoryReads {
  private readonly finder: MemorySearch;
  private readonly unified: UnifiedSearch;

  constructor(db: Db) {
    this.finder = new MemorySearch(db);
    this.unified = new UnifiedSearch(db);
  }

  /** Filtered search, newest first, one page. */
  search(query: ResolvedSearchQuery): MemorySearchResult {
    return this.finder.search(query);
  }

  /** Every match scored (frequency, recency, tags) and sorted best first. */
  ranked(query: ResolvedSearchQuery, options: RankOptions, now: number): RankedSearchResult {
    return rankChunks(this.finder.all(query), query, options, now);
  }

  /** Memory and the agent's chat messages in one ranked list. */
  unifiedWithChat(query: UnifiedSearchQuery & { agent_id: string }, now: number): UnifiedSearchResults {
    return this.unified.search(query, this.finder.all(query), now);
  }
}

export type MemoryReadName = 'search' | 'ranked' | 'unifiedWithChat';
export type MemoryReadArgs<K extends MemoryReadName> = Parameters<MemoryReads[K]>;
export type MemoryReadAnswer<K extends MemoryReadName> = ReturnType<MemoryReads[K]>;

/**
 * Runs MemoryReads' searches on a thread of its own (the daemon's search thread). Resolves undefined for one it
 * did not answer (it has stopped, or the search failed there): the caller runs it itself.
 */
export interface MemoryReadThread {
  read<K extends MemoryReadName>(name: K, args: MemoryReadArgs<K>): Promise<MemoryReadAnswer<K> | undefined>;
}

/** Runs `reads[name](...args)`, typed by name (the thread's side of MemoryReadThread). */
export function runRead<K extends MemoryReadName>(
  reads: MemoryReads,
  name: K,
  args: MemoryReadArgs<K>,
): MemoryReadAnswer<K> {
  const method = reads[name] as (...all: MemoryReadArgs<K>) => MemoryReadAnswer<K>;
  return method.apply(reads, args);
}
