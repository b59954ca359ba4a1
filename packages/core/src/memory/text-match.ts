// The text semantics of memory search (docs/entities.md#search), shared by the SQL search, ranking and the
// chat-message side of unified search: keyword = every whitespace token contained (case-insensitive),
// phrase = substring (case-insensitive), regex = a JS RegExp over the raw content.
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

/** Compiles a regex query; a bad pattern is an input error naming `query`. */
export function compileRegex(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'g');
  } catch (error) {
    // V8 repeats the pattern in its message ("Invalid regular expression: /(/g: Unterminated group").
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw InvalidInputError.field('query', `invalid regular expression: ${reason}`);
  }
}

function countOccurrences(haystack: string, needle: string): number {
  if (!needle) return 0;
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

function countRegex(content: string, regex: RegExp): number {
  const global = regex.global ? regex : new RegExp(regex.source, `${regex.flags}g`);
  let count = 0;
  for (const _ of content.matchAll(global)) count++;
  return count;
}

/** A compiled text query: tests a text and counts its matches (used for scoring). */
export interface TextMatcher {
  test(content: string): boolean;
  count(content: string): number;
}

export function textMatcher(query: string, mode: SearchMode): TextMatcher {
  if (mode === 'regex') {
    const regex = compileRegex(query);
    return {
      test: (content) => {
        regex.lastIndex = 0;
        return regex.test(content);
      },
      count: (content) => countRegex(content, regex),
    };
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
