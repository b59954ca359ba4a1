// Which trigrams of a query to ask the FTS index for. A token's phrase in the trigram index is the AND of all its
// trigrams with their positions, and FTS5 reads the whole position list of each one: "kubernetes" reads "ber",
// "ern", "net" and "tes", found in most chunks, ~20 ms at 200k chunks. Its rarest trigram alone ("kub") finds a
// superset of the same chunks from one short list (~1 ms); LIKE over those rows then tells the real matches.
import type { Statement } from '@restflow/db';
import { ftsString } from './text-match.ts';

/** Matches read per trigram to judge its frequency: a lazy read in key order that stops there. */
const PROBE_ROWS = 64;
/** Bounds the probes of a long query: its first tokens, and trigrams spread over each token, are enough. */
const MAX_TOKENS = 6;
const MAX_TRIGRAMS_PER_TOKEN = 8;
const TRIGRAMS_PER_TOKEN = 2;

export interface RarestTrigrams {
  /** The FTS5 expression: the AND of each probed token's rarest trigrams; a superset of the query's matches. */
  expression: string;
  /** The estimated share of chunks matching it (0–1), from its own first matches. */
  share: number;
  /** The estimated number of chunks matching it (`share` of them); exact when `matches` is there. */
  estimate: number;
  /** Every chunk matching it, when there are fewer than the probe reads. */
  matches?: number[];
}

/** The distinct trigrams of a token, at most `max`, spread over it. */
export function trigramsOf(token: string, max = MAX_TRIGRAMS_PER_TOKEN): string[] {
  const chars = [...token];
  const all = [...new Set(chars.slice(0, -2).map((_, i) => chars.slice(i, i + 3).join('')))];
  if (all.length <= max) return all;
  return Array.from({ length: max }, (_, i) => all[Math.floor((i * all.length) / max)] as string);
}

/** Chooses the rarest trigrams of each of the query's tokens (each at least three characters long). */
export function rarestTrigrams(prepare: (source: string) => Statement, tokens: string[]): RarestTrigrams {
  // Two statements: SQLite reads min() or max() of the key from one end of the table, both at once by a scan.
  const first = prepare('SELECT min(pk) FROM memory_chunks').pluck().get() as number | null;
  const last = prepare('SELECT max(pk) FROM memory_chunks').pluck().get() as number | null;
  const span = first === null || last === null ? 1 : last - first + 1;
  const probe = prepare('SELECT rowid FROM memory_chunks_fts WHERE memory_chunks_fts MATCH ? LIMIT ?').pluck();
  const shareIn = (rows: number[]): number =>
    rows.length < PROBE_ROWS ? rows.length / span : PROBE_ROWS / ((rows.at(-1) as number) - (first ?? 0) + 1);
  const shareOf = (trigram: string): number => shareIn(probe.all(ftsString(trigram), PROBE_ROWS) as number[]);
  // Each token's two rarest trigrams: together they stand for the token far better than one ("e12" alone is in
  // every "E12…" code and timestamp; "e12" AND "234" is nearly "e1234").
  const chosen = tokens.slice(0, MAX_TOKENS).flatMap((token) => {
    const probed: { trigram: string; share: number }[] = [];
    for (const trigram of trigramsOf(token)) {
      const share = shareOf(trigram);
      probed.push({ trigram, share });
      if (share === 0) break;
    }
    probed.sort((a, b) => a.share - b.share);
    return probed.slice(0, TRIGRAMS_PER_TOKEN).map((p) => p.trigram);
  });
  // The AND's own first matches: its trigrams are not independent, nor are the tokens.
  const expression = chosen.map(ftsString).join(' AND ');
  const rows = probe.all(expression, PROBE_ROWS) as number[];
  if (rows.length < PROBE_ROWS) return { expression, share: rows.length / span, estimate: rows.length, matches: rows };
  const share = shareIn(rows);
  return { expression, share, estimate: share * span };
}
