// Filtered memory search (docs/entities.md#search). Keyword and phrase queries are answered by
// the FTS5 trigram index (`memory_chunks_fts`, packages/db/drizzle/0001_memory_fts.sql), so they stay fast at 100k
// chunks; only regex queries — which no index can answer — walk the rows left by the other filters.
import { and, type Db, desc, eq, gte, inArray, lte, memoryChunks, type SQL, sql } from '@restflow/db';
import { InvalidInputError } from '../errors.ts';
import {
  chunkToWire,
  DEFAULT_SEARCH_LIMIT,
  type MemoryChunk,
  type MemorySearchQuery,
  type MemorySearchResult,
  SEARCH_TOTAL_CAP,
} from './memory-model.ts';
import {
  charLength,
  compileRegex,
  ftsString,
  keywordTokens,
  type LinearRegex,
  TRIGRAM_MIN_CHARS,
} from './text-match.ts';

/** A query whose agent has been resolved to a real id. */
export type ResolvedSearchQuery = MemorySearchQuery & { agent_id: string };

interface SearchPlan {
  where: SQL;
  /** The filters other than the text (agent, session, source, time, tags): the rows a text match is sought in. */
  filters: SQL;
  /**
   * The text condition as LIKEs over the content alone, when it means exactly what the FTS match means: every
   * token ASCII (LIKE folds ASCII case only, the trigram index folds Unicode case too).
   */
  textLike?: SQL;
  /**
   * With textLike: the one FTS phrase of the text, whose density among the newest chunks decides between reading
   * the newest rows and asking the index; absent when no token is long enough for the index (LIKE it is).
   */
  densityProbe?: string;
  /** Set for regex mode: applied in JS to the rows matching `where`. */
  regex?: LinearRegex;
}

/**
 * A frequent term's page is found by reading the newest candidate rows with LIKE and stopping at the page; the
 * FTS index would first have to walk every match (a term in a quarter of 100k chunks: ~7 ms for its list alone,
 * then the agent's index for the newest). A term counts as frequent when at least one chunk in DENSE_SHARE among
 * the newest ones matches, seen from the newest DENSITY_PROBE matches the index gives in key order (cheap: it
 * stops there). The walk reads at most SEARCH_WALK_ROWS rows before handing over to the index.
 */
export const SEARCH_WALK_ROWS = 2000;
const DENSITY_PROBE = 64;
const DENSE_SHARE = 10;

const newestFirst = [desc(memoryChunks.createdAt), desc(memoryChunks.pk)];

const ftsMatch = (expression: string): SQL =>
  sql`${memoryChunks.pk} IN (SELECT rowid FROM memory_chunks_fts WHERE memory_chunks_fts MATCH ${expression})`;

/**
 * Substrings too short for trigrams (and the all-short fallback): LIKE is case-insensitive for ASCII like
 * lower(), but compares in place instead of copying every row's content, which makes the scan ~3× faster.
 */
const likeContains = (needle: string): SQL =>
  sql`${memoryChunks.content} LIKE ${`%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} ESCAPE '\\'`;

/** Conditions per AND group of `allOf`: far below SQLite's expression depth limit of 1000. */
const AND_GROUP = 100;

/**
 * Every condition, as nested groups of ANDs: SQLite parses `a AND b AND c …` into a tree as deep as the terms
 * are many and refuses one deeper than 1000 ("Expression tree is too large"), which a keyword query of ~1000
 * distinct one-character words (CJK, say) reaches within the query's 2000 characters.
 */
export function allOf(conditions: SQL[]): SQL | undefined {
  let level = conditions;
  while (level.length > AND_GROUP) {
    const groups: SQL[] = [];
    for (let i = 0; i < level.length; i += AND_GROUP) groups.push(and(...level.slice(i, i + AND_GROUP)) as SQL);
    level = groups;
  }
  return and(...level);
}

const ascii = (text: string): boolean => /^[\x20-\x7e]*$/.test(text);

/** The text's conditions through the FTS index, and the same as LIKEs alone when they are equivalent. */
function textConditions(
  text: string,
  mode: MemorySearchQuery['search_mode'],
): { indexed: SQL[]; like?: SQL; probe?: string } {
  // FTS5 ends a string literal at a NUL ("unterminated string"), and no stored text is searched for one.
  if (text.includes('\u0000')) throw InvalidInputError.field('query', 'must not contain a NUL character');
  if (mode === 'phrase') {
    const phrase = text.toLowerCase();
    return {
      indexed: [charLength(phrase) >= TRIGRAM_MIN_CHARS ? ftsMatch(ftsString(phrase)) : likeContains(phrase)],
      like: ascii(phrase) ? likeContains(phrase) : undefined,
      probe: charLength(phrase) >= TRIGRAM_MIN_CHARS ? ftsString(phrase) : undefined,
    };
  }
  const tokens = keywordTokens(text);
  const long = tokens.filter((t) => charLength(t) >= TRIGRAM_MIN_CHARS);
  const short = tokens.filter((t) => charLength(t) < TRIGRAM_MIN_CHARS);
  const indexed = short.map(likeContains);
  if (long.length > 0) indexed.unshift(ftsMatch(long.map(ftsString).join(' AND ')));
  // Several long tokens: their AND through the index is the cheap path unless all are frequent, which one probe
  // cannot tell; they stay with the index.
  const like =
    long.length <= 1 && tokens.length <= AND_GROUP && tokens.every(ascii) ? allOf(tokens.map(likeContains)) : undefined;
  return { indexed, like, probe: long.length === 1 ? ftsString(long[0] as string) : undefined };
}

export function planSearch(query: ResolvedSearchQuery): SearchPlan {
  const conditions: SQL[] = [eq(memoryChunks.agentId, query.agent_id)];
  if (query.session_id) conditions.push(eq(memoryChunks.sessionId, query.session_id));
  if (query.source_type) conditions.push(eq(memoryChunks.sourceType, query.source_type));
  if (query.from_time !== undefined && query.from_time !== null)
    conditions.push(gte(memoryChunks.createdAt, query.from_time));
  if (query.to_time !== undefined && query.to_time !== null)
    conditions.push(lte(memoryChunks.createdAt, query.to_time));
  for (const tag of new Set((query.tags ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean))) {
    conditions.push(
      sql`EXISTS (SELECT 1 FROM memory_chunk_tags t WHERE t.chunk_id = ${memoryChunks.id} AND t.tag = ${tag})`,
    );
  }
  const filters = allOf(conditions) as SQL;
  const text = query.query?.trim();
  if (!text) return { where: filters, filters };
  if (query.search_mode === 'regex') return { where: filters, filters, regex: compileRegex(text) };
  const { indexed, like, probe } = textConditions(text, query.search_mode);
  return { where: allOf([...conditions, ...indexed]) as SQL, filters, textLike: like, densityProbe: probe };
}

export class MemorySearch {
  constructor(private readonly db: Db) {}

  search(query: ResolvedSearchQuery): MemorySearchResult {
    const limit = query.limit ?? DEFAULT_SEARCH_LIMIT;
    const offset = query.offset ?? 0;
    const plan = planSearch(query);
    if (plan.regex) return this.searchRegex(plan as Required<SearchPlan>, limit, offset);
    const frequent = plan.textLike && (plan.densityProbe === undefined || this.dense(plan.densityProbe));
    const walked = frequent ? this.searchNewest(plan, plan.textLike as SQL, limit, offset) : undefined;
    if (walked) return walked;
    // One pass over the matching ids (newest first) gives both the page and the total, so the FTS index is
    // evaluated once; only the rows of the page are read in full. The pass stops one past the cap (or the page).
    const counted = Math.max(SEARCH_TOTAL_CAP, offset + limit);
    const ids = this.db
      .select({ pk: memoryChunks.pk })
      .from(memoryChunks)
      .where(plan.where)
      .orderBy(...newestFirst)
      .limit(counted + 1)
      .toSQL();
    const pks = this.db.$client
      .prepare(ids.sql)
      .pluck()
      .all(...ids.params) as number[];
    const chunks = this.rowsInOrder(pks.slice(offset, offset + limit));
    const result: MemorySearchResult = {
      chunks,
      total_count: Math.min(pks.length, counted),
      has_more: offset + chunks.length < pks.length,
    };
    if (pks.length > counted) result.total_capped = true;
    return result;
  }

  /** Whether at least one chunk in DENSE_SHARE among the newest matches the FTS expression (any agent's). */
  private dense(expression: string): boolean {
    const client = this.db.$client;
    const newest = client
      .prepare('SELECT rowid FROM memory_chunks_fts WHERE memory_chunks_fts MATCH ? ORDER BY rowid DESC LIMIT ?')
      .pluck()
      .all(expression, DENSITY_PROBE) as number[];
    if (newest.length < DENSITY_PROBE) return false;
    const last = client.prepare('SELECT max(pk) FROM memory_chunks').pluck().get() as number;
    return last - (newest.at(-1) as number) + 1 <= DENSITY_PROBE * DENSE_SHARE;
  }

  /**
   * A search answered by reading the newest candidate rows with LIKE, when that finds the page within
   * SEARCH_WALK_ROWS rows (a frequent term) or those rows are all the candidates (a small memory); otherwise
   * undefined, and the FTS index answers. The total is exact when every candidate was read; else it is estimated
   * from the share of matches among the rows read ("1000+" once the estimate reaches the cap).
   */
  private searchNewest(plan: SearchPlan, textLike: SQL, limit: number, offset: number): MemorySearchResult | undefined {
    const client = this.db.$client;
    const needed = offset + limit + 1;
    const newest = this.db
      .select({ pk: memoryChunks.pk, createdAt: memoryChunks.createdAt, hit: sql<number>`${textLike}`.as('hit') })
      .from(memoryChunks)
      .where(plan.filters)
      .orderBy(...newestFirst)
      .limit(SEARCH_WALK_ROWS)
      .toSQL();
    // The subquery runs as a co-routine: rows are read only until the outer LIMIT has its hits.
    const hits = client
      .prepare(`SELECT pk, created_at FROM (${newest.sql}) WHERE hit LIMIT ?`)
      .raw(true)
      .all(...newest.params, needed) as [number, number][];
    const candidates = (atMost: number): number => {
      const counted = this.db.select({ one: sql`1` }).from(memoryChunks).where(plan.filters).limit(atMost).toSQL();
      return client
        .prepare(`SELECT count(*) FROM (${counted.sql})`)
        .pluck()
        .get(...counted.params) as number;
    };
    const page = (pks: number[]) => this.rowsInOrder(pks.slice(offset, offset + limit));
    const walkedAll = candidates(SEARCH_WALK_ROWS + 1) <= SEARCH_WALK_ROWS;
    if (walkedAll) {
      // Every candidate is among the rows read: the total is exact, and capped like the index's.
      const counted = Math.max(SEARCH_TOTAL_CAP, offset + limit);
      const all =
        hits.length < needed
          ? hits.length
          : (client
              .prepare(`SELECT count(*) FROM (${newest.sql}) WHERE hit`)
              .pluck()
              .get(...newest.params) as number);
      const chunks = page(hits.map(([pk]) => pk));
      const result: MemorySearchResult = {
        chunks,
        total_count: Math.min(all, counted),
        has_more: offset + chunks.length < all,
      };
      if (all > counted) result.total_capped = true;
      return result;
    }
    if (hits.length < needed) return undefined;
    // Rows read up to the last hit: the share of matches among the newest candidates.
    const [lastPk, lastCreated] = hits[hits.length - 1] as [number, number];
    const upToLast = this.db
      .select({ one: sql`1` })
      .from(memoryChunks)
      .where(and(plan.filters, sql`(${memoryChunks.createdAt}, ${memoryChunks.pk}) >= (${lastCreated}, ${lastPk})`))
      .toSQL();
    const read = client
      .prepare(`SELECT count(*) FROM (${upToLast.sql})`)
      .pluck()
      .get(...upToLast.params) as number;
    // The estimate reaches the cap once there are this many candidates: count no further.
    const capAt = Math.ceil((SEARCH_TOTAL_CAP * read) / needed);
    const total = candidates(capAt);
    const chunks = page(hits.map(([pk]) => pk));
    if (total >= capAt) return { chunks, total_count: SEARCH_TOTAL_CAP, has_more: true, total_capped: true };
    const estimate = Math.max(needed, Math.round((needed * total) / read));
    return { chunks, total_count: Math.min(estimate, SEARCH_TOTAL_CAP), has_more: true, total_estimated: true };
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
    const statement = this.db.$client.prepare(candidates.sql).raw(true);
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
