// What a memory search asks for, as SQL conditions (docs/entities.md#search): the filters, the text through the
// FTS5 trigram index (`memory_chunks_fts`, packages/db/drizzle/0001_memory_fts.sql) and the same text as LIKEs where
// they mean the same. memory-search.ts chooses how to run them.
import { and, eq, gte, lte, memoryChunks, type SQL, sql } from '@restflow/db';
import { InvalidInputError } from '../errors.ts';
import type { MemorySearchQuery } from './memory-model.ts';
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

export interface SearchPlan {
  where: SQL;
  /** The filters other than the text (agent, session, source, time, tags): the rows a text match is sought in. */
  filters: SQL;
  /** With `fts`: every condition but the FTS match (filters and the short tokens' LIKEs), for rows that match it. */
  rest?: SQL;
  /** The FTS5 expression of the text, absent when no token is long enough for the trigram index. */
  fts?: string;
  /** The tokens `fts` is made of (lower-cased; a phrase is one), for choosing their rarest trigrams. */
  indexedTokens?: string[];
  /** Whether `fts` is the whole text condition (no token too short for the index). */
  ftsIsWhole?: boolean;
  /**
   * The text condition as LIKEs over the content alone, when it means exactly what the FTS match means: every
   * token ASCII (LIKE folds ASCII case only, the trigram index folds Unicode case too).
   */
  textLike?: SQL;
  /** Set for regex mode: applied in JS to the rows matching `where`. */
  regex?: LinearRegex;
}

const ftsMatch = (expression: string): SQL =>
  sql`${memoryChunks.pk} IN (SELECT rowid FROM memory_chunks_fts WHERE memory_chunks_fts MATCH ${expression})`;

/**
 * The same as a condition checked on the rows of a walk of the agent's index: the unary plus keeps SQLite from
 * reading the matches by key and sorting them instead (the way of few matches, taken by searchAmong).
 */
export const ftsMatchWhileWalking = (expression: string): SQL =>
  sql`+${memoryChunks.pk} IN (SELECT rowid FROM memory_chunks_fts WHERE memory_chunks_fts MATCH ${expression})`;

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

interface TextConditions {
  /** The tokens of at least TRIGRAM_MIN_CHARS, which the index answers. */
  indexed: string[];
  /** Conditions the index cannot answer: tokens too short for trigrams, as LIKEs. */
  unindexed: SQL[];
  /** The whole text condition as LIKEs, when it means exactly what the index and `unindexed` mean. */
  like?: SQL;
}

function textConditions(text: string, mode: MemorySearchQuery['search_mode']): TextConditions {
  // FTS5 ends a string literal at a NUL ("unterminated string"), and no stored text is searched for one.
  if (text.includes('\u0000')) throw InvalidInputError.field('query', 'must not contain a NUL character');
  if (mode === 'phrase') {
    const phrase = text.toLowerCase();
    const indexed = charLength(phrase) >= TRIGRAM_MIN_CHARS;
    return {
      indexed: indexed ? [phrase] : [],
      unindexed: indexed ? [] : [likeContains(phrase)],
      like: ascii(phrase) ? likeContains(phrase) : undefined,
    };
  }
  const tokens = keywordTokens(text);
  const long = tokens.filter((t) => charLength(t) >= TRIGRAM_MIN_CHARS);
  const short = tokens.filter((t) => charLength(t) < TRIGRAM_MIN_CHARS);
  return {
    indexed: long,
    unindexed: short.map(likeContains),
    like: tokens.length <= AND_GROUP && tokens.every(ascii) ? allOf(tokens.map(likeContains)) : undefined,
  };
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
  const { indexed, unindexed, like } = textConditions(text, query.search_mode);
  const rest = allOf([...conditions, ...unindexed]) as SQL;
  if (indexed.length === 0) return { where: rest, filters, rest, textLike: like };
  const fts = indexed.map(ftsString).join(' AND ');
  const where = allOf([...conditions, ftsMatch(fts), ...unindexed]) as SQL;
  return { where, filters, rest, fts, indexedTokens: indexed, ftsIsWhole: unindexed.length === 0, textLike: like };
}
