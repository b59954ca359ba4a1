// Memory's searches, each a function of the database and the time only: what the daemon's search thread runs,
// through a read-only connection of its own (read-thread.ts), as well as MemoryService on the daemon's thread.
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
