// The one table of text limits on the wire (docs/limits.md lists the same values, with the reasons). Every text
// field of every input is built with `text()`, so each has a length limit and refuses unpaired UTF-16 surrogates,
// which SQLite would store as invalid UTF-8 and read back as replacement characters (silent alteration).
// test/input-limits.test.ts walks every procedure's input schema and fails on a string field built otherwise.
import { z } from 'zod';

/** Maximum length in UTF-16 code units (what `string.length` counts), by kind of field. */
export const TEXT_LIMITS = {
  /** Ids and id prefixes, agent ids, model ids, run/task/session references. */
  id: 200,
  /** Names of agents, tasks, sessions, skills, auth profiles, terminals; list entries such as tool names. */
  name: 200,
  /** A tag or label. */
  tag: 100,
  /** Small enumerable settings: a cron expression, a timezone, a content type, a date format, a version. */
  token: 200,
  /** Shared-space keys. */
  key: 512,
  /** Host names (allowed_hosts): the DNS maximum. */
  host: 253,
  /** Email addresses (RFC 5321). */
  email: 320,
  /** One-line notes: a disable reason, a command pattern and its description, a secret's description. */
  short: 500,
  /** Descriptions and free-text reasons. */
  description: 2000,
  /** URLs (provider base_url). */
  url: 2000,
  /** Search queries (memory, sessions). */
  query: 2000,
  /** File system paths. */
  path: 4096,
  /** One command-line argument, a skill variable's value, a terminal's startup command. */
  argument: 10_000,
  /** Raw credentials (API keys, OAuth tokens). */
  credential: 16 * 1024,
  /** Secret values and environment values granted to tools (the secret store's own byte limit). */
  secret: 64 * 1024,
  /** A shell command checked against the security policy. */
  command: 100_000,
  /** What a user writes for an agent: prompts, run inputs, chat messages, memory chunks, task inputs. */
  prompt: 200_000,
  /** Whole documents: skill bodies and Markdown, stored chat messages, shared-space values. */
  document: 1024 * 1024,
  /** A terminal's scrollback (the service keeps its last 1 MiB). */
  history: 4 * 1024 * 1024,
  /** A run recording sent for replay (docs/record-replay.md), well inside the transports' 16 MiB frame limit. */
  recording: 8 * 1024 * 1024,
} as const;

export type TextLimit = keyof typeof TEXT_LIMITS;

/** A JSON Schema keyword naming the refinement below, so tests (and OpenAPI readers) can see it is applied. */
export const WELL_FORMED_KEYWORD = 'x-well-formed';

/** True when `value` has no unpaired surrogate (it round-trips through UTF-8 unchanged). */
export function isWellFormedText(value: string): boolean {
  // Hand-written rather than String.prototype.isWellFormed: the schemas also load in older browsers.
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return false;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return false;
  }
  return true;
}

/**
 * For text SQLite or the operating system would end at a NUL character: search queries (FTS5 and LIKE patterns)
 * and what starts a program (its path, arguments, working directory), which Node refuses to spawn.
 */
export const withoutNul = (value: string): boolean => !value.includes('\u0000');
export const NUL_REFUSED = 'must not contain a NUL character';

/**
 * A text field: at most `TEXT_LIMITS[limit]` code units, well-formed Unicode. Chain `.trim()`, `.min()`,
 * `.regex()`… after it as with `z.string()`. Messages name the field, never echo the value (it may be a secret).
 */
export function text(limit: TextLimit, field?: string) {
  const max = TEXT_LIMITS[limit];
  const subject = field ? `${field} ` : '';
  // The same checks and metadata as `.max(…).refine(…).meta(…)`, built as one schema instead of three clones:
  // every input schema calls this, and each zod clone costs the daemon's start-up time.
  const schema = z
    .string()
    .check(
      z.maxLength(max, `${subject}must be at most ${max} characters`),
      z.refine(isWellFormedText, `${subject}contains an unpaired UTF-16 surrogate (not valid Unicode text)`),
    );
  z.globalRegistry.add(schema, { [WELL_FORMED_KEYWORD]: true });
  return schema;
}
