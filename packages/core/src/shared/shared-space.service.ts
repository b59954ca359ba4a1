import { and, asc, eq, gte, lt, type SharedVisibility, type SQL, sharedSpace } from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import type { Deleted } from '../deleted.ts';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../errors.ts';

export type { SharedVisibility } from '@restflow/db';
export const SHARED_VISIBILITIES = ['public', 'shared', 'private'] as const satisfies readonly SharedVisibility[];

/** restflow-domain §1.9; times in ms. */
export interface SharedEntry {
  key: string;
  value: string;
  visibility: SharedVisibility;
  owner?: string;
  content_type?: string;
  type_hint?: string;
  tags: string[];
  created_at: number;
  updated_at: number;
  last_modified_by?: string;
}

export interface SharedEntryInput {
  visibility?: SharedVisibility;
  content_type?: string;
  type_hint?: string;
  tags?: string[];
}

/**
 * Who is asking: an agent id when an agent's tool calls, `undefined` for the user (CLI, console). Entries the
 * user creates have no owner, so the user owns them.
 */
export type SharedAccessor = string | undefined;

export const MAX_SHARED_VALUE_BYTES = 1024 * 1024;
const KEY_PATTERN = /^[^\s:]+:\S.*$/;

type SharedRow = typeof sharedSpace.$inferSelect;

function toWire(row: SharedRow): SharedEntry {
  const entry: SharedEntry = {
    key: row.key,
    value: row.value,
    visibility: row.visibility,
    tags: row.tags,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
  if (row.owner) entry.owner = row.owner;
  if (row.contentType) entry.content_type = row.contentType;
  if (row.typeHint) entry.type_hint = row.typeHint;
  if (row.lastModifiedBy) entry.last_modified_by = row.lastModifiedBy;
  return entry;
}

const isOwner = (row: SharedRow, accessor: SharedAccessor) => (row.owner ?? undefined) === accessor;
/** Read: public and shared entries are visible to anyone, private ones to their owner only. */
const canRead = (row: SharedRow, accessor: SharedAccessor) => row.visibility !== 'private' || isOwner(row, accessor);
/** Write/delete: public entries by anyone, the others by their owner only. */
const canWrite = (row: SharedRow, accessor: SharedAccessor) => row.visibility === 'public' || isOwner(row, accessor);

const who = (accessor: SharedAccessor) => (accessor ? `agent ${accessor}` : 'the user');
const ownerName = (row: SharedRow) => (row.owner ? `agent ${row.owner}` : 'the user');

function validateKey(key: string): string {
  const trimmed = key.trim();
  if (!KEY_PATTERN.test(trimmed)) {
    throw InvalidInputError.field('key', `"${key}" must have the form namespace:name (namespace without spaces)`);
  }
  if (trimmed.length > 512) throw InvalidInputError.field('key', 'must be at most 512 characters');
  return trimmed;
}

function validateNamespace(namespace: string): string {
  const trimmed = namespace.trim().replace(/:$/, '');
  if (!trimmed || /[\s:]/.test(trimmed)) {
    throw InvalidInputError.field('namespace', `"${namespace}" must be a non-empty word without spaces or ":"`);
  }
  return trimmed;
}

/** A key/value space agents and the user share, with per-entry visibility (restflow-domain §1.9). */
export class SharedSpaceService {
  constructor(private readonly core: CoreContext) {}

  /** Creates or replaces an entry. Options not given keep their current values on update. */
  set(key: string, value: string, options: SharedEntryInput = {}, accessor?: SharedAccessor): SharedEntry {
    const entryKey = validateKey(key);
    if (Buffer.byteLength(value, 'utf8') > MAX_SHARED_VALUE_BYTES) {
      throw InvalidInputError.field('value', `must be at most ${MAX_SHARED_VALUE_BYTES} bytes`);
    }
    const now = this.core.clock.now();
    const existing = this.row(entryKey);
    if (existing) {
      if (!canRead(existing, accessor)) throw new NotFoundError('Shared entry', entryKey);
      if (!canWrite(existing, accessor)) {
        throw new ForbiddenError(
          `Shared entry ${entryKey} is ${existing.visibility} and owned by ${ownerName(existing)}; ${who(accessor)} may not change it`,
        );
      }
      if (options.visibility && options.visibility !== existing.visibility && !isOwner(existing, accessor)) {
        throw new ForbiddenError(`Only ${ownerName(existing)} may change the visibility of shared entry ${entryKey}`);
      }
      const next: SharedRow = {
        ...existing,
        value,
        visibility: options.visibility ?? existing.visibility,
        contentType: options.content_type ?? existing.contentType,
        typeHint: options.type_hint ?? existing.typeHint,
        tags: options.tags ?? existing.tags,
        updatedAt: Math.max(now, existing.updatedAt),
        lastModifiedBy: accessor ?? null,
      };
      this.core.db.update(sharedSpace).set(next).where(eq(sharedSpace.key, entryKey)).run();
      return toWire(next);
    }
    const row: SharedRow = {
      key: entryKey,
      value,
      visibility: options.visibility ?? 'public',
      owner: accessor ?? null,
      contentType: options.content_type ?? null,
      typeHint: options.type_hint ?? null,
      tags: options.tags ?? [],
      createdAt: now,
      updatedAt: now,
      lastModifiedBy: accessor ?? null,
    };
    this.core.db.insert(sharedSpace).values(row).run();
    return toWire(row);
  }

  /** A private entry of someone else is reported as not found, so its existence does not leak. */
  get(key: string, accessor?: SharedAccessor): SharedEntry {
    const entryKey = validateKey(key);
    const row = this.row(entryKey);
    if (!row || !canRead(row, accessor)) throw new NotFoundError('Shared entry', entryKey);
    return toWire(row);
  }

  /** Without the visibility check: for the daemon's own use, never for an agent's or a client's request. */
  getUnchecked(key: string): SharedEntry | undefined {
    const row = this.row(key.trim());
    return row ? toWire(row) : undefined;
  }

  delete(key: string, accessor?: SharedAccessor): Deleted {
    const entryKey = validateKey(key);
    const row = this.row(entryKey);
    if (!row || !canRead(row, accessor)) throw new NotFoundError('Shared entry', entryKey);
    if (!canWrite(row, accessor)) {
      throw new ForbiddenError(
        `Shared entry ${entryKey} is ${row.visibility} and owned by ${ownerName(row)}; ${who(accessor)} may not delete it`,
      );
    }
    this.core.db.delete(sharedSpace).where(eq(sharedSpace.key, entryKey)).run();
    return { deleted: true, id: entryKey };
  }

  /** Entries the accessor may read, by key; `namespace` limits to keys `namespace:…`. */
  list(namespace?: string, accessor?: SharedAccessor): SharedEntry[] {
    let where: SQL | undefined;
    if (namespace !== undefined) {
      // A range on the primary key (`ns:` ≤ key < `ns;`) is exactly the keys starting with `ns:`, by index.
      const ns = validateNamespace(namespace);
      where = and(gte(sharedSpace.key, `${ns}:`), lt(sharedSpace.key, `${ns};`));
    }
    const rows = this.core.db.select().from(sharedSpace).where(where).orderBy(asc(sharedSpace.key)).all();
    return rows.filter((row) => canRead(row, accessor)).map(toWire);
  }

  listKeys(namespace?: string, accessor?: SharedAccessor): string[] {
    return this.list(namespace, accessor).map((e) => e.key);
  }

  private row(key: string): SharedRow | undefined {
    return this.core.db.select().from(sharedSpace).where(eq(sharedSpace.key, key)).get();
  }
}
