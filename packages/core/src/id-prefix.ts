import { type Db, type Statement, statementsOf } from '@restflow/db';
import { InvalidInputError, NotFoundError } from './errors.ts';

/** How many of an ambiguous prefix's ids are read and counted; beyond it the error says "more than". */
const COUNTED_MATCHES_CAP = 50;

/**
 * Resolves a full id or a unique prefix (the CLI prints 8-char ids) against the candidate ids.
 * An ambiguous prefix is an input error that lists the matches; `more` says there are more candidates than given.
 */
export function resolveIdPrefix(
  entity: string,
  idOrPrefix: string,
  candidates: readonly string[],
  more = false,
): string {
  // An empty prefix would name whichever row is alone in its table.
  if (idOrPrefix.length === 0) throw new NotFoundError(entity, idOrPrefix);
  if (candidates.includes(idOrPrefix)) return idOrPrefix;
  const matches = candidates.filter((c) => c.startsWith(idOrPrefix));
  if (matches.length === 1 && !more) return matches[0] as string;
  if (matches.length === 0) throw new NotFoundError(entity, idOrPrefix);
  const shown = matches
    .slice(0, 5)
    .map((m) => m.slice(0, 12))
    .join(', ');
  const counted = more ? `more than ${matches.length}` : `${matches.length}`;
  throw InvalidInputError.field(
    'id',
    `prefix "${idOrPrefix}" is ambiguous: matches ${counted} ${entity.toLowerCase()}s (${shown}${matches.length > 5 || more ? ', …' : ''})`,
  );
}

/** Tables whose primary key is a text `id` that users may abbreviate. */
export type PrefixTable =
  | 'agents'
  | 'skills'
  | 'tasks'
  | 'chat_sessions'
  | 'runs'
  | 'terminal_sessions'
  | 'pending_approvals'
  | 'auth_profiles'
  | 'memory_sessions'
  | 'memory_chunks';

/**
 * `resolveIdPrefix` against a table: the exact id first (one index lookup, what most calls give), then a range over
 * the primary-key index that reads only the ids starting with the prefix (LIKE would be case-insensitive and
 * unindexed), at most COUNTED_MATCHES_CAP + 1 of them, so resolving stays cheap however many rows there are and a
 * one-character prefix over a million rows does not read them all. `typePrefix` is a prefix every id of the table
 * carries (memory's `chunk-`), which people may leave out.
 */
export function resolveIdIn(db: Db, table: PrefixTable, entity: string, idOrPrefix: string, typePrefix = ''): string {
  const wanted = idOrPrefix.startsWith(typePrefix) ? idOrPrefix : `${typePrefix}${idOrPrefix}`;
  const exact = objectRows(db, `SELECT id FROM ${table} WHERE id = ?`).get(wanted) as { id: string } | undefined;
  return exact ? exact.id : prefixIn(db, table, entity, wanted, typePrefix);
}

/** The one id of `table` starting with `prefix` (not itself an id: the callers looked it up first). */
function prefixIn(db: Db, table: PrefixTable, entity: string, prefix: string, typePrefix = ''): string {
  // An empty prefix, or only the one every id carries, would name whichever row is alone in its table.
  if (prefix.length === typePrefix.length) throw new NotFoundError(entity, prefix);
  const rows = objectRows(db, `SELECT id FROM ${table} WHERE id >= ? AND id < ? ORDER BY id LIMIT ?`).all(
    prefix,
    `${prefix}\u{10FFFF}`,
    COUNTED_MATCHES_CAP + 1,
  ) as { id: string }[];
  const ids = rows.slice(0, COUNTED_MATCHES_CAP).map((r) => r.id);
  return resolveIdPrefix(entity, prefix, ids, rows.length > COUNTED_MATCHES_CAP);
}

/**
 * A row named `@name`, ASCII case folded (as NOCASE and LIKE fold). `COLLATE NOCASE` alone stops comparing at a
 * NUL character, so "a\0x" would name the row "a\0y" (and a delete by name would remove it); lower() keeps the
 * whole text and compares it byte for byte. NOCASE goes first: it rejects most rows without copying their names,
 * so the scan stays as fast as before.
 */
const SAME_NAME = 'name = @name COLLATE NOCASE AND lower(name) = lower(@name)';

/** Tables whose rows people name (and so refer to by name as well as by id). */
export type NamedTable = 'agents' | 'skills' | 'tasks' | 'chat_sessions';

/**
 * A full id, a name (case-insensitive; `restflow task pause ticker`) or a unique id prefix — in that order. A
 * name several rows share is ambiguous and names their ids.
 */
export function resolveRefIn(db: Db, table: NamedTable, entity: string, ref: string): string {
  const exact = objectRows(db, `SELECT id FROM ${table} WHERE id = ?`).get(ref) as { id: string } | undefined;
  if (exact) return exact.id;
  const name = ref.trim();
  const named = objectRows(db, `SELECT id FROM ${table} WHERE ${SAME_NAME} ORDER BY id`).all({ name }) as {
    id: string;
  }[];
  if (named.length === 1) return (named[0] as { id: string }).id;
  if (named.length > 1) {
    throw InvalidInputError.field(
      'id',
      `${named.length} ${entity.toLowerCase()}s are named "${name}" (${named.map((r) => r.id.slice(0, 8)).join(', ')}); use an id`,
    );
  }
  // The id was looked up first: what is left is a prefix.
  return prefixIn(db, table, entity, ref);
}

/** The id of another row of `table` named `name` (case-insensitive), if any: names of agents and tasks are unique. */
export function nameTakenIn(db: Db, table: NamedTable, name: string, exceptId?: string): string | undefined {
  const row = objectRows(db, `SELECT id FROM ${table} WHERE ${SAME_NAME} AND id != @except LIMIT 1`).get({
    name: name.trim(),
    except: exceptId ?? '',
  }) as { id: string } | undefined;
  return row?.id;
}

/**
 * A statement of `db` compiled once per SQL text (these run on most calls that name a row), returning rows as
 * objects whatever mode its last user left it in.
 */
function objectRows(db: Db, source: string): Statement {
  return statementsOf(db.$client)(source).pluck(false).raw(false);
}
