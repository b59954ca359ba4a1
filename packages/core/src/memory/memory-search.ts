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
  /** Set for regex mode: applied in JS to the rows matching `where`. */
  regex?: LinearRegex;
}

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

function textConditions(text: string, mode: MemorySearchQuery['search_mode']): SQL[] {
  // FTS5 ends a string literal at a NUL ("unterminated string"), and no stored text is searched for one.
  if (text.includes('\u0000')) throw InvalidInputError.field('query', 'must not contain a NUL character');
  if (mode === 'phrase') {
    const phrase = text.toLowerCase();
    return [charLength(phrase) >= TRIGRAM_MIN_CHARS ? ftsMatch(ftsString(phrase)) : likeContains(phrase)];
  }
  const tokens = keywordTokens(text);
  const long = tokens.filter((t) => charLength(t) >= TRIGRAM_MIN_CHARS);
  const short = tokens.filter((t) => charLength(t) < TRIGRAM_MIN_CHARS);
  const conditions = short.map(likeContains);
  if (long.length > 0) conditions.unshift(ftsMatch(long.map(ftsString).join(' AND ')));
  return conditions;
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
  const text = query.query?.trim();
  let regex: LinearRegex | undefined;
  if (text) {
    if (query.search_mode === 'regex') regex = compileRegex(text);
    else conditions.push(...textConditions(text, query.search_mode));
  }
  return { where: allOf(conditions) as SQL, regex };
}

export class MemorySearch {
  constructor(private readonly db: Db) {}

  search(query: ResolvedSearchQuery): MemorySearchResult {
    const limit = query.limit ?? DEFAULT_SEARCH_LIMIT;
    const offset = query.offset ?? 0;
    const plan = planSearch(query);
    if (plan.regex) return this.searchRegex(plan as Required<SearchPlan>, limit, offset);
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
