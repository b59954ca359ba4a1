// The text semantics of memory search (docs/entities.md#search), shared by the SQL search, ranking and the
// chat-message side of unified search: keyword = every whitespace token contained (case-insensitive),
// phrase = substring (case-insensitive), regex = an RE2 pattern over the raw content.
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';
import { InvalidInputError } from '../errors.ts';
import type { SearchMode } from './memory-model.ts';

/** The trigram index can only answer substrings of at least this many characters. */
export const TRIGRAM_MIN_CHARS = 3;

/** Lower-cased, de-duplicated whitespace tokens of a keyword query. */
export function keywordTokens(query: string): string[] {
  return [...new Set(query.toLowerCase().split(/\s+/).filter(Boolean))];
}

export const charLength = (text: string): number => [...text].length;

/** An FTS5 string literal: the trigram tokenizer turns it into a phrase, i.e. an exact substring. */
export const ftsString = (text: string): string => `"${text.replaceAll('"', '""')}"`;

/**
 * A compiled regex query. RE2 matches in time linear in the text, so no pattern (`^(a+)+$` and friends) can hold
 * the daemon's event loop; the price is RE2's syntax: no backreferences or lookarounds (refused as invalid).
 */
export interface LinearRegex {
  test(content: string): boolean;
  count(content: string): number;
}

// re2js builds its character tables as it loads: it is loaded by the first regex query, not with the daemon.
let re2js: typeof RE2JS | undefined;
const loadRe2js = (): typeof RE2JS =>
  (re2js ??= (createRequire(import.meta.url)('re2js') as typeof import('re2js')).RE2JS);

/** Compiles a regex query; a bad pattern (or one RE2 cannot run in linear time) is an input error naming `query`. */
export function compileRegex(pattern: string): LinearRegex {
  const RE2 = loadRe2js();
  let compiled: RE2JS;
  try {
    compiled = RE2.compile(RE2.translateRegExp(pattern));
  } catch (error) {
    const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
    throw InvalidInputError.field('query', `invalid regular expression: ${reason}`);
  }
  return {
    test: (content) => compiled.test(content),
    count: (content) => {
      let count = 0;
      for (const _ of compiled.matchAll(content)) count++;
      return count;
    },
  };
}

function countOccurrences(haystack: string, needle: string): number {
  if (!needle) return 0;
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** A compiled text query: tests a text and counts its matches (used for scoring). */
export interface TextMatcher {
  test(content: string): boolean;
  count(content: string): number;
}

export function textMatcher(query: string, mode: SearchMode): TextMatcher {
  if (mode === 'regex') {
    return compileRegex(query);
  }
  if (mode === 'phrase') {
    const phrase = query.trim().toLowerCase();
    return {
      test: (content) => content.toLowerCase().includes(phrase),
      count: (content) => countOccurrences(content.toLowerCase(), phrase),
    };
  }
  const tokens = keywordTokens(query);
  return {
    test: (content) => {
      const lower = content.toLowerCase();
      return tokens.every((t) => lower.includes(t));
    },
    count: (content) => {
      const lower = content.toLowerCase();
      return tokens.reduce((sum, t) => sum + countOccurrences(lower, t), 0);
    },
  };
}

export const wordCount = (content: string): number => content.split(/\s+/).filter(Boolean).length;
