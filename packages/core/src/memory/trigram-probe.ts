// Which trigrams of a query to ask the FTS index for. A token's phrase in the trigram index is the AND of all its
// trigrams with their positions, and FTS5 reads the whole position list of each one: "kubernetes" reads "ber",
// "ern", "net" and "tes", found in most chunks, ~20 ms at 200k chunks. Its rarest trigram alone ("kub") finds a
// superset of the same chunks from one short list (~1 ms); LIKE over those rows then tells the real matches.
import type { Db } from '@restflow/db';
import { ftsString } from './text-match.ts';

/** Matches read per trigram to judge its frequency: a lazy read in key order that stops there. */
const PROBE_ROWS = 64;
/** Bounds the probes of a long query: its first tokens, and trigrams spread over each token, are enough. */
const MAX_TOKENS = 6;
const MAX_TRIGRAMS_PER_TOKEN = 8;

export interface RarestTrigrams {
  /** The FTS5 expression: the AND of each probed token's rarest trigram; a superset of the query's matches. */
  expression: string;
  /** The estimated share of chunks matching it (0–1): the product of its trigrams' shares, as if independent. */
  share: number;
  /** At most this many chunks match it (the rarest trigram's estimated count). */
  atMost: number;
}

/** The distinct trigrams of a token, at most `max`, spread over it. */
export function trigramsOf(token: string, max = MAX_TRIGRAMS_PER_TOKEN): string[] {
  const chars = [...token];
  const all = [...new Set(chars.slice(0, -2).map((_, i) => chars.slice(i, i + 3).join('')))];
  if (all.length <= max) return all;
  return Array.from({ length: max }, (_, i) => all[Math.floor((i * all.length) / max)] as string);
}

/** Chooses the rarest trigram of each of the query's tokens (each at least three characters long). */
export function rarestTrigrams(client: Db['$client'], tokens: string[]): RarestTrigrams {
  // Two statements: SQLite reads min() or max() of the key from one end of the table, both at once by a scan.
  const first = client.prepare('SELECT min(pk) FROM memory_chunks').pluck().get() as number | null;
  const last = client.prepare('SELECT max(pk) FROM memory_chunks').pluck().get() as number | null;
  const span = first === null || last === null ? 1 : last - first + 1;
  const probe = client.prepare('SELECT rowid FROM memory_chunks_fts WHERE memory_chunks_fts MATCH ? LIMIT ?').pluck();
  const shareOf = (trigram: string): number => {
    const rows = probe.all(ftsString(trigram), PROBE_ROWS) as number[];
    if (rows.length < PROBE_ROWS) return rows.length / span;
    return PROBE_ROWS / ((rows.at(-1) as number) - (first ?? 0) + 1);
  };
  const chosen = tokens.slice(0, MAX_TOKENS).map((token) => {
    let best = { trigram: '', share: Number.POSITIVE_INFINITY };
    for (const trigram of trigramsOf(token)) {
      const share = shareOf(trigram);
      if (share < best.share) best = { trigram, share };
      if (share === 0) break;
    }
    return best;
  });
  return {
    expression: chosen.map((c) => ftsString(c.trigram)).join(' AND '),
    share: chosen.reduce((product, c) => product * c.share, 1),
    atMost: Math.min(...chosen.map((c) => c.share)) * span,
  };
}
