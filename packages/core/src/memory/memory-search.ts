// Filtered memory search (docs/entities.md#search): how a query's page is found, by the size of its answer.
// Keyword and phrase queries go through the FTS5 trigram index (search-plan.ts); only regex queries, which no
// index can answer, walk the rows left by the other filters.
import { and, type Db, desc, inArray, keptStatements, memoryChunks, type SQL, type Statement, sql } from '@restflow/db';
import {
  chunkToWire,
  DEFAULT_SEARCH_LIMIT,
  type MemoryChunk,
  type MemorySearchResult,
  SEARCH_TOTAL_CAP,
} from './memory-model.ts';
import { ftsMatchWhileWalking, planSearch, type ResolvedSearchQuery, type SearchPlan } from './search-plan.ts';
import { rarestTrigrams } from './trigram-probe.ts';

/**
 * How a keyword or phrase query finds its page (newest first) depends on how many chunks match:
 * - up to FEW_MATCHES: every match is read by its key and sorted (walking the agent's index to find so few would
 *   read all of its chunks);
 * - a frequent term (its page expected within SEARCH_WALK_ROWS of the agent's newest chunks) where reading
 *   rows costs less than reading its matches in the index (a large memory): the newest rows are read with LIKE
 *   until the page is full;
 * - between the two: the agent's index, newest first, through the set of matches the FTS index gives, until the
 *   page is full (the total is then estimated).
 */
export const SEARCH_WALK_ROWS = 2000;
export const FEW_MATCHES = 4000;
/** Reading a chunk's row with LIKE, in units of reading an index or FTS entry (measured at 100k and 1M chunks). */
const ROW_READ_COST = 12;

const newestFirst = [desc(memoryChunks.createdAt), desc(memoryChunks.pk)];

export class MemorySearch {
  /** The statements of this module's own SQL, compiled once (most are the same few texts query after query). */
  private readonly prepare: (source: string) => Statement;

  constructor(private readonly db: Db) {
    this.prepare = keptStatements(db.$client);
  }

  search(query: ResolvedSearchQuery): MemorySearchResult {
    const limit = query.limit ?? DEFAULT_SEARCH_LIMIT;
    const offset = query.offset ?? 0;
    const plan = planSearch(query);
    if (plan.regex) return this.searchRegex(plan as Required<SearchPlan>, limit, offset);
    if (plan.fts && plan.indexedTokens && plan.textLike) {
      return this.searchByTrigrams(plan, plan.indexedTokens, plan.textLike, limit, offset);
    }
    if (plan.fts) {
      // Not ASCII, where LIKE does not mean what the index means: the index's own expression, whole.
      const few = this.searchIfFew(plan.fts, plan.rest as SQL, limit, offset);
      if (few) return few;
    } else if (plan.textLike) {
      // Tokens too short for the index: the newest rows with LIKE, or every row with LIKE.
      const walked = this.searchNewest(plan, plan.textLike, limit, offset);
      if (walked) return walked;
    }
    const where = plan.fts ? and(plan.rest, ftsMatchWhileWalking(plan.fts)) : plan.where;
    return this.searchThroughIndex(where as SQL, plan, limit, offset);
  }

  /**
   * An ASCII keyword or phrase query: the index is asked for a superset of its matches (the two rarest trigrams of
   * each token, trigram-probe.ts) and LIKE tells the real ones. Few: every one read by key. Frequent: the agent's newest
   * rows with LIKE. Between: the agent's index newest first, through the superset.
   */
  private searchByTrigrams(
    plan: SearchPlan,
    tokens: string[],
    textLike: SQL,
    limit: number,
    offset: number,
  ): MemorySearchResult {
    // A small memory (or a narrow filter): reading every candidate with LIKE is the whole answer, exact.
    if (this.candidates(plan, SEARCH_WALK_ROWS + 1) <= SEARCH_WALK_ROWS) {
      return this.searchNewest(plan, textLike, limit, offset, true) as MemorySearchResult;
    }
    const superset = rarestTrigrams(this.prepare, tokens);
    const matching = and(plan.filters, textLike) as SQL;
    // Few: every match is known (the probe read them all, or the superset is read up to the limit, lazily in key
    // order), and the total exact.
    if (superset.matches) return this.searchAmong(matching, superset.matches, limit, offset);
    const few =
      superset.estimate <= 2 * FEW_MATCHES ? this.searchIfFew(superset.expression, matching, limit, offset) : undefined;
    if (few) return few;
    // Frequent: the page is expected within the walk of the newest rows. Tokens too short for the index make the
    // query rarer than its superset by an unknown factor: then only a clearly frequent one is walked.
    const walkFor = (offset + limit + 1) / superset.share;
    // Reading a row for LIKE costs more than reading the superset's entry and stepping the agent's index over
    // a row: in a smaller memory, the index through the superset is the cheaper way even for a frequent term.
    const likeCost = walkFor * ROW_READ_COST;
    const indexCost = superset.estimate + walkFor + (offset + limit + 1) * ROW_READ_COST;
    const walkable = walkFor <= (plan.ftsIsWhole ? SEARCH_WALK_ROWS : SEARCH_WALK_ROWS / 4);
    if (walkable && likeCost <= indexCost) {
      const walked = this.searchNewest(plan, textLike, limit, offset);
      if (walked) return walked;
    }
    return this.searchThroughIndex(
      and(matching, ftsMatchWhileWalking(superset.expression)) as SQL,
      plan,
      limit,
      offset,
    );
  }

  /**
   * The answer from every chunk matching the FTS expression, when at most FEW_MATCHES do (read lazily in key
   * order up to one more: in reverse order FTS5 would read its lists whole); else undefined.
   */
  private searchIfFew(fts: string, condition: SQL, limit: number, offset: number): MemorySearchResult | undefined {
    const matches = this.prepare('SELECT rowid FROM memory_chunks_fts WHERE memory_chunks_fts MATCH ? LIMIT ?')
      .pluck()
      .all(fts, FEW_MATCHES + 1) as number[];
    return matches.length <= FEW_MATCHES ? this.searchAmong(condition, matches, limit, offset) : undefined;
  }

  /**
   * The page among every chunk that matches the FTS expression (`matches`, any agent's), each read by its key:
   * the total is exact (and capped like the others).
   */
  private searchAmong(condition: SQL, matches: number[], limit: number, offset: number): MemorySearchResult {
    // NOT INDEXED: the rows are found by key from the list, never by walking an index through the list.
    const found = this.db
      .select({ pk: sql<number>`${memoryChunks.pk}`, createdAt: sql<number>`${memoryChunks.createdAt}` })
      .from(sql`${memoryChunks} NOT INDEXED`)
      .where(and(sql`${memoryChunks.pk} IN (SELECT value FROM json_each(${JSON.stringify(matches)}))`, condition))
      .toSQL();
    const rows = this.prepare(found.sql)
      .raw(true)
      .all(...found.params) as [number, number][];
    // Newest first (at most FEW_MATCHES rows, sorted here rather than in a temporary b-tree).
    rows.sort(([pkA, atA], [pkB, atB]) => atB - atA || pkB - pkA);
    return this.pageOf(
      rows.map(([pk]) => pk),
      limit,
      offset,
    );
  }

  /**
   * The agent's index walked newest first through the FTS matches until the page is full: exact when it ends
   * first, else estimated (finding the newest thousand matches of a term in one chunk of a hundred walks a
   * hundred thousand rows).
   */
  private searchThroughIndex(where: SQL, plan: SearchPlan, limit: number, offset: number): MemorySearchResult {
    const ids = this.db
      .select({ pk: memoryChunks.pk, createdAt: memoryChunks.createdAt })
      .from(memoryChunks)
      .where(where)
      .orderBy(...newestFirst)
      .limit(offset + limit + 1)
      .toSQL();
    const hits = this.prepare(ids.sql)
      .raw(true)
      .all(...ids.params) as [number, number][];
    if (hits.length <= offset + limit)
      return this.pageOf(
        hits.map(([pk]) => pk),
        limit,
        offset,
      );
    return this.estimated(plan, hits, limit, offset);
  }

  /**
   * The page of `pks` (the matches newest first: all of them, or at least the page and one more) out of `total`
   * matches, counted exactly and capped.
   */
  private pageOf(pks: number[], limit: number, offset: number, total = pks.length): MemorySearchResult {
    const counted = Math.max(SEARCH_TOTAL_CAP, offset + limit);
    const chunks = this.rowsInOrder(pks.slice(offset, offset + limit));
    const result: MemorySearchResult = {
      chunks,
      total_count: Math.min(total, counted),
      has_more: offset + chunks.length < total,
    };
    if (total > counted) result.total_capped = true;
    return result;
  }

  /**
   * A search answered by reading the newest candidate rows with LIKE, when those rows are all the candidates (a
   * small memory: one pass, the total exact) or they hold the page within SEARCH_WALK_ROWS rows (a frequent term:
   * the total estimated from the share of matches among the rows read, "1000+" once the estimate reaches the cap);
   * otherwise undefined, and the FTS index answers.
   */
  private searchNewest(
    plan: SearchPlan,
    textLike: SQL,
    limit: number,
    offset: number,
    /** Known already: every candidate is within the walk. */
    readsAll = this.candidates(plan, SEARCH_WALK_ROWS + 1) <= SEARCH_WALK_ROWS,
  ): MemorySearchResult | undefined {
    const newest = this.db
      .select({ pk: memoryChunks.pk, createdAt: memoryChunks.createdAt, hit: sql<number>`${textLike}`.as('hit') })
      .from(memoryChunks)
      .where(plan.filters)
      .orderBy(...newestFirst)
      .limit(SEARCH_WALK_ROWS)
      .toSQL();
    if (readsAll) {
      const all = this.prepare(`SELECT pk FROM (${newest.sql}) WHERE hit`)
        .pluck()
        .all(...newest.params) as number[];
      return this.pageOf(all, limit, offset);
    }
    // The subquery runs as a co-routine: rows are read only until the outer LIMIT has its hits.
    const needed = offset + limit + 1;
    const hits = this.prepare(`SELECT pk, created_at FROM (${newest.sql}) WHERE hit LIMIT ?`)
      .raw(true)
      .all(...newest.params, needed) as [number, number][];
    return hits.length < needed ? undefined : this.estimated(plan, hits, limit, offset);
  }

  /**
   * The page out of `hits` (the newest offset + limit + 1 matches, as [pk, created_at]) with a total estimated from
   * the share of matches among the candidates up to the last hit ("1000+" once the estimate reaches the cap).
   */
  private estimated(plan: SearchPlan, hits: [number, number][], limit: number, offset: number): MemorySearchResult {
    const needed = hits.length;
    const [lastPk, lastCreated] = hits[hits.length - 1] as [number, number];
    const upToLast = this.db
      .select({ one: sql`1` })
      .from(memoryChunks)
      .where(and(plan.filters, sql`(${memoryChunks.createdAt}, ${memoryChunks.pk}) >= (${lastCreated}, ${lastPk})`))
      .toSQL();
    const read = this.prepare(`SELECT count(*) FROM (${upToLast.sql})`)
      .pluck()
      .get(...upToLast.params) as number;
    // The estimate reaches the cap once there are this many candidates: count no further.
    const capAt = Math.ceil((SEARCH_TOTAL_CAP * read) / needed);
    const total = this.candidates(plan, capAt);
    const chunks = this.rowsInOrder(hits.slice(offset, offset + limit).map(([pk]) => pk));
    if (total >= capAt) return { chunks, total_count: SEARCH_TOTAL_CAP, has_more: true, total_capped: true };
    const estimate = Math.max(needed, Math.round((needed * total) / read));
    return { chunks, total_count: Math.min(estimate, SEARCH_TOTAL_CAP), has_more: true, total_estimated: true };
  }

  /** How many chunks pass the filters other than the text, counted up to `atMost`. */
  private candidates(plan: SearchPlan, atMost: number): number {
    const counted = this.db.select({ one: sql`1` }).from(memoryChunks).where(plan.filters).limit(atMost).toSQL();
    return this.prepare(`SELECT count(*) FROM (${counted.sql})`)
      .pluck()
      .get(...counted.params) as number;
  }

  /** Every match, newest first (ranked and unified search score them all). */
  all(query: ResolvedSearchQuery): MemoryChunk[] {
    const plan = planSearch(query);
    const rows = this.db
      .select()
      .from(memoryChunks)
      .where(plan.where)
      .orderBy(...newestFirst)
      .all();
    const chunks = rows.map(chunkToWire);
    return plan.regex ? chunks.filter((c) => plan.regex?.test(c.content)) : chunks;
  }

  private searchRegex(plan: Required<SearchPlan>, limit: number, offset: number): MemorySearchResult {
    const candidates = this.db
      .select({ pk: memoryChunks.pk, content: memoryChunks.content })
      .from(memoryChunks)
      .where(plan.where)
      .orderBy(...newestFirst)
      .toSQL();
    // Iterate instead of loading every candidate's content at once.
    const statement = this.prepare(candidates.sql).raw(true);
    const page: number[] = [];
    let total = 0;
    for (const [pk, content] of statement.iterate(...candidates.params) as Iterable<[number, string]>) {
      if (!plan.regex.test(content)) continue;
      if (total >= offset && page.length < limit) page.push(pk);
      total++;
    }
    const chunks = this.rowsInOrder(page);
    return { chunks, total_count: total, has_more: offset + chunks.length < total };
  }

  private rowsInOrder(pks: number[]): MemoryChunk[] {
    if (pks.length === 0) return [];
    const rows = this.db.select().from(memoryChunks).where(inArray(memoryChunks.pk, pks)).all();
    const byPk = new Map(rows.map((row) => [row.pk, chunkToWire(row)] as const));
    return pks.map((pk) => byPk.get(pk)).filter((c): c is MemoryChunk => c !== undefined);
  }
}
