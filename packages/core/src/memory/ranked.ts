// Ranked memory search (docs/entities.md#search):
// score = frequency·w_f + recency·w_r + tag·w_t, each component on a 0–100 scale.
import type { MemoryChunk, MemorySearchQuery } from './memory-model.ts';
import { type TextMatcher, textMatcher, wordCount } from './text-match.ts';

export const SCORING_PRESETS = {
  default: { frequency_weight: 0.6, recency_weight: 0.3, tag_weight: 0.1, recency_decay: 0.01 },
  frequency_focused: { frequency_weight: 0.8, recency_weight: 0.1, tag_weight: 0.1, recency_decay: 0.01 },
  recency_focused: { frequency_weight: 0.3, recency_weight: 0.6, tag_weight: 0.1, recency_decay: 0.05 },
  balanced: { frequency_weight: 0.4, recency_weight: 0.4, tag_weight: 0.2, recency_decay: 0.01 },
} as const;

export type ScoringPreset = keyof typeof SCORING_PRESETS;
export const SCORING_PRESET_NAMES = Object.keys(SCORING_PRESETS) as ScoringPreset[];

export interface ScoringConfig {
  frequency_weight: number;
  recency_weight: number;
  tag_weight: number;
  /** Per hour of age: recency = 100 / (1 + age_h · decay). */
  recency_decay: number;
}

export interface ScoreBreakdown {
  frequency_score: number;
  recency_score: number;
  tag_score: number;
}

export interface ScoredChunk {
  chunk: MemoryChunk;
  score: number;
  match_count: number;
  score_breakdown: ScoreBreakdown;
}

export interface RankedSearchResult {
  chunks: ScoredChunk[];
  total_count: number;
  has_more: boolean;
}

export interface RankOptions {
  scoring_preset?: ScoringPreset;
  /** Results scoring below this are dropped before pagination. */
  min_score?: number;
}

const HOUR_MS = 3_600_000;

/** Query-term occurrences per word, as a percentage capped at 100; 50 for every chunk when there is no query. */
export function frequencyScore(content: string, matcher: TextMatcher | undefined): { score: number; matches: number } {
  if (!matcher) return { score: 50, matches: 0 };
  const matches = matcher.count(content);
  if (matches === 0) return { score: 0, matches: 0 };
  return { score: Math.min(100, (matches / Math.max(1, wordCount(content))) * 100), matches };
}

export function recencyScore(timestamp: number, now: number, decay: number): number {
  const ageHours = Math.max(0, now - timestamp) / HOUR_MS;
  return 100 / (1 + ageHours * decay);
}

/** Share of the query's tags the chunk carries (case-insensitive), 0 when the query names none. */
export function tagScore(chunkTags: readonly string[], queryTags: readonly string[]): number {
  const wanted = queryTags.map((t) => t.trim().toLowerCase()).filter(Boolean);
  if (wanted.length === 0) return 0;
  const have = new Set(chunkTags.map((t) => t.toLowerCase()));
  return (wanted.filter((t) => have.has(t)).length / wanted.length) * 100;
}

export function textMatcherFor(query: MemorySearchQuery): TextMatcher | undefined {
  const text = query.query?.trim();
  return text ? textMatcher(text, query.search_mode ?? 'keyword') : undefined;
}

export function scoreChunk(
  chunk: MemoryChunk,
  query: MemorySearchQuery,
  matcher: TextMatcher | undefined,
  config: ScoringConfig,
  now: number,
): ScoredChunk {
  const frequency = frequencyScore(chunk.content, matcher);
  const breakdown: ScoreBreakdown = {
    frequency_score: frequency.score,
    recency_score: recencyScore(chunk.created_at, now, config.recency_decay),
    tag_score: tagScore(chunk.tags, query.tags ?? []),
  };
  const score =
    breakdown.frequency_score * config.frequency_weight +
    breakdown.recency_score * config.recency_weight +
    breakdown.tag_score * config.tag_weight;
  return { chunk, score, match_count: frequency.matches, score_breakdown: breakdown };
}

/** Scores every matching chunk, drops those under `min_score`, sorts best first (newest on ties), paginates. */
export function rankChunks(
  matches: readonly MemoryChunk[],
  query: MemorySearchQuery,
  options: RankOptions,
  now: number,
): RankedSearchResult {
  const config = SCORING_PRESETS[options.scoring_preset ?? 'default'];
  const matcher = textMatcherFor(query);
  const minScore = options.min_score ?? 0;
  const scored = matches
    .map((chunk) => scoreChunk(chunk, query, matcher, config, now))
    .filter((s) => s.score >= minScore)
    .sort((a, b) => b.score - a.score || b.chunk.created_at - a.chunk.created_at);
  const offset = query.offset ?? 0;
  const limit = query.limit ?? 50;
  const chunks = scored.slice(offset, offset + limit);
  return { chunks, total_count: scored.length, has_more: offset + chunks.length < scored.length };
}
