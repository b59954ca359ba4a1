// Unified search over long-term memory and the agent's chat messages (docs/entities.md#search). Chat tables are
// read directly: this module must not depend on the chat service.
import {
  and,
  asc,
  chatMessages,
  chatSessions,
  count,
  type Db,
  desc,
  eq,
  gt,
  gte,
  inArray,
  lt,
  lte,
  type SQL,
  sql,
} from '@restflow/db';
import type { MemoryChunk, MemorySearchQuery } from './memory-model.ts';
import { rankChunks, recencyScore, textMatcherFor } from './ranked.ts';
import { allOf } from './search-plan.ts';
import { keywordTokens, type TextMatcher, wordCount } from './text-match.ts';

export interface UnifiedSearchQuery extends MemorySearchQuery {
  /** Search the chat messages too (default true). */
  include_sessions?: boolean;
  /** Restrict the chat side to these chat sessions. */
  session_ids?: string[];
  /** Whose chat sessions to search; defaults to `agent_id`. */
  session_agent_id?: string | null;
}

export type UnifiedResultSource = 'memory' | { session: { session_id: string; session_name: string } };

export interface UnifiedSearchResult {
  /** The chunk id, or `{chat session id}:{message index}` for a chat message. */
  id: string;
  content: string;
  source: UnifiedResultSource;
  score: number;
  timestamp: number;
  /** For chat messages: previews of the neighbouring messages. */
  context?: string;
}

export interface UnifiedSearchResults {
  results: UnifiedSearchResult[];
  total_count: number;
  has_more: boolean;
  /** Results per source after the score threshold, so they add up to total_count. */
  source_counts: { memory: number; sessions: number };
}

/** Each side contributes half of a result's score. */
const MEMORY_WEIGHT = 0.5;
const SESSION_WEIGHT = 1 - MEMORY_WEIGHT;
const MIN_UNIFIED_SCORE = 10;
const SESSION_RECENCY_DECAY = 0.01;
const CONTEXT_PREVIEW_CHARS = 50;

interface MessageHit {
  sessionId: string;
  sessionName: string;
  seq: number;
  content: string;
  timestamp: number;
  score: number;
}

type Candidate = { score: number; timestamp: number } & (
  | { kind: 'memory'; chunk: MemoryChunk }
  | { kind: 'message'; hit: MessageHit }
);

const ROLE_LABEL: Record<string, string> = { user: 'User', assistant: 'Assistant', system: 'System' };

export class UnifiedSearch {
  constructor(private readonly db: Db) {}

  /** `memoryMatches`: every memory chunk matching the query's filters (newest first). */
  search(
    query: UnifiedSearchQuery & { agent_id: string },
    memoryMatches: MemoryChunk[],
    now: number,
  ): UnifiedSearchResults {
    const ranked = rankChunks(memoryMatches, { ...query, limit: memoryMatches.length, offset: 0 }, {}, now);
    const memory = ranked.chunks.map(
      (s): Candidate => ({
        kind: 'memory',
        chunk: s.chunk,
        score: s.score * MEMORY_WEIGHT,
        timestamp: s.chunk.created_at,
      }),
    );
    const messages =
      query.include_sessions === false
        ? []
        : this.searchMessages(query, now).map(
            (hit): Candidate => ({ kind: 'message', hit, score: hit.score * SESSION_WEIGHT, timestamp: hit.timestamp }),
          );
    const kept = [...memory, ...messages]
      .filter((c) => c.score >= MIN_UNIFIED_SCORE)
      .sort((a, b) => b.score - a.score || b.timestamp - a.timestamp);
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 50;
    const page = kept.slice(offset, offset + limit);
    const sessions = kept.filter((c) => c.kind === 'message').length;
    return {
      results: page.map((c) =>
        c.kind === 'message'
          ? this.messageResult(c.hit, c.score)
          : { id: c.chunk.id, content: c.chunk.content, source: 'memory', score: c.score, timestamp: c.timestamp },
      ),
      total_count: kept.length,
      has_more: offset + page.length < kept.length,
      source_counts: { memory: kept.length - sessions, sessions },
    };
  }

  private searchMessages(query: UnifiedSearchQuery & { agent_id: string }, now: number): MessageHit[] {
    const matcher = textMatcherFor(query);
    if (!matcher) return [];
    const conditions: SQL[] = [eq(chatSessions.agentId, query.session_agent_id || query.agent_id)];
    if (query.session_ids && query.session_ids.length > 0) conditions.push(inArray(chatSessions.id, query.session_ids));
    if (query.from_time !== undefined && query.from_time !== null)
      conditions.push(gte(chatMessages.timestamp, query.from_time));
    if (query.to_time !== undefined && query.to_time !== null)
      conditions.push(lte(chatMessages.timestamp, query.to_time));
    // Cheap SQL pre-filter for keyword/phrase; the matcher below has the final word (and does regex).
    const text = (query.query ?? '').trim().toLowerCase();
    const needles = query.search_mode === 'regex' ? [] : query.search_mode === 'phrase' ? [text] : keywordTokens(text);
    for (const needle of needles) conditions.push(sql`instr(lower(${chatMessages.content}), ${needle}) > 0`);
    const rows = this.db
      .select({
        sessionId: chatMessages.sessionId,
        sessionName: chatSessions.name,
        seq: chatMessages.seq,
        content: chatMessages.content,
        timestamp: chatMessages.timestamp,
      })
      .from(chatMessages)
      .innerJoin(chatSessions, eq(chatSessions.id, chatMessages.sessionId))
      .where(allOf(conditions))
      .all();
    return rows.flatMap((row) => {
      const score = messageScore(row.content, row.timestamp, matcher, now);
      return score === undefined ? [] : [{ ...row, score }];
    });
  }

  /** Index and context are only worked out for the messages on the returned page. */
  private messageResult(hit: MessageHit, score: number): UnifiedSearchResult {
    const inSession = eq(chatMessages.sessionId, hit.sessionId);
    const index =
      this.db
        .select({ n: count() })
        .from(chatMessages)
        .where(and(inSession, lt(chatMessages.seq, hit.seq)))
        .get()?.n ?? 0;
    const neighbour = (where: SQL, order: SQL) =>
      this.db
        .select({ role: chatMessages.role, content: chatMessages.content })
        .from(chatMessages)
        .where(and(inSession, where))
        .orderBy(order)
        .limit(1)
        .get();
    const context = [
      neighbour(lt(chatMessages.seq, hit.seq), desc(chatMessages.seq)),
      neighbour(gt(chatMessages.seq, hit.seq), asc(chatMessages.seq)),
    ]
      .filter((m) => m !== undefined)
      .map((m) => `[${ROLE_LABEL[m.role] ?? m.role}]: ${[...m.content].slice(0, CONTEXT_PREVIEW_CHARS).join('')}...`)
      .join('\n');
    return {
      id: `${hit.sessionId}:${index}`,
      content: hit.content,
      source: { session: { session_id: hit.sessionId, session_name: hit.sessionName } },
      score,
      timestamp: hit.timestamp,
      context,
    };
  }
}

/** freq·0.6 + recency·0.4 (before the session weight); undefined when the message does not match. */
function messageScore(content: string, timestamp: number, matcher: TextMatcher, now: number): number | undefined {
  if (!matcher.test(content)) return undefined;
  const matches = matcher.count(content);
  const frequency = Math.min(100, (matches / Math.max(1, wordCount(content))) * 100);
  return frequency * 0.6 + recencyScore(timestamp, now, SESSION_RECENCY_DECAY) * 0.4;
}
