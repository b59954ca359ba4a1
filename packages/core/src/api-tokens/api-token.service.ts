// API tokens: how non-browser clients (curl, scripts, other languages' clients) authenticate to the daemon's HTTP
// API with `Authorization: Bearer <token>` (docs/remote-access.md). A token is 32 random bytes; only its sha256
// is stored, so the database alone never yields a usable token, and the plaintext is shown once, at creation.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { apiTokens, asc, eq } from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import type { Deleted } from '../deleted.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { resolveIdPrefix } from '../id-prefix.ts';

/** Every token starts with this, so secret scanners and people recognise one. */
export const API_TOKEN_PREFIX = 'rf_';
export const MAX_API_TOKEN_NAME_LENGTH = 64;
export const API_TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** `last_used_at` is written at most this often per token: a busy client must not turn reads into writes. */
const LAST_USED_RESOLUTION_MS = 60_000;
/** How many characters of a token listings show (the fixed prefix plus a few random ones). */
const SHOWN_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 6;

/** What listings show: never the token. */
export interface ApiTokenInfo {
  id: string;
  name: string;
  /** The token's first characters, to tell tokens apart. */
  prefix: string;
  read_only: boolean;
  created_at: number;
  last_used_at: number | null;
}

/** The answer to `create`: the only time the token itself is ever returned. */
export interface CreatedApiToken extends ApiTokenInfo {
  token: string;
}

export interface CreateApiTokenInput {
  name: string;
  read_only?: boolean;
}

type ApiTokenRow = typeof apiTokens.$inferSelect;

const toInfo = (row: ApiTokenRow): ApiTokenInfo => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  read_only: row.readOnly,
  created_at: row.createdAt,
  last_used_at: row.lastUsedAt ?? null,
});

const hashOf = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

function assertName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_API_TOKEN_NAME_LENGTH || !API_TOKEN_NAME_PATTERN.test(trimmed)) {
    throw InvalidInputError.field(
      'name',
      `must be 1-${MAX_API_TOKEN_NAME_LENGTH} characters of letters, digits, ".", "_" and "-", starting with a letter or digit`,
    );
  }
  return trimmed;
}

export class ApiTokenService {
  constructor(private readonly core: CoreContext) {}

  /** Creates a token; its plaintext is in the answer and nowhere else, ever. */
  create(input: CreateApiTokenInput): CreatedApiToken {
    const name = assertName(input.name);
    const taken = this.core.db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.name, name)).get();
    if (taken) {
      throw new ConflictError(
        `an API token named "${name}" already exists (${taken.id.slice(0, 8)}); choose another name`,
        {
          reason: 'DUPLICATE_NAME',
          details: { entity: 'api_token', name, id: taken.id },
        },
      );
    }
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row: ApiTokenRow = {
      id: this.core.ids.uuid(),
      name,
      tokenHash: hashOf(token).toString('hex'),
      prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
      readOnly: input.read_only ?? false,
      createdAt: this.core.clock.now(),
      lastUsedAt: null,
    };
    this.core.db.insert(apiTokens).values(row).run();
    return { ...toInfo(row), token };
  }

  /** Oldest first; never the token or its hash. */
  list(): ApiTokenInfo[] {
    return this.core.db
      .select()
      .from(apiTokens)
      .orderBy(asc(apiTokens.createdAt), asc(apiTokens.name))
      .all()
      .map(toInfo);
  }

  /** How many tokens exist (the daemon refuses a non-loopback bind while there are none). */
  count(): number {
    return this.core.db.$client.prepare<[], { n: number }>('SELECT count(*) AS n FROM api_tokens').get()?.n ?? 0;
  }

  /** By id, unique id prefix, or name. Revoking takes effect for the next request that presents the token. */
  delete(ref: string): Deleted {
    const row = this.resolve(ref);
    this.core.db.delete(apiTokens).where(eq(apiTokens.id, row.id)).run();
    return { deleted: true, id: row.id };
  }

  /**
   * The token a presented bearer value belongs to, else undefined. The lookup goes by hash (an index); the
   * stored hash is then compared in constant time, so nothing about a near miss leaks through timing.
   */
  verify(presented: string): ApiTokenInfo | undefined {
    if (!presented.startsWith(API_TOKEN_PREFIX) || presented.length > 256) return undefined;
    const digest = hashOf(presented);
    const row = this.core.db
      .select()
      .from(apiTokens)
      .where(eq(apiTokens.tokenHash, digest.toString('hex')))
      .get();
    if (!row || !timingSafeEqual(Buffer.from(row.tokenHash, 'hex'), digest)) return undefined;
    const now = this.core.clock.now();
    if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
      this.core.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run();
      row.lastUsedAt = now;
    }
    return toInfo(row);
  }

  private resolve(ref: string): ApiTokenRow {
    const rows = this.core.db.select().from(apiTokens).all();
    const byName = rows.find((r) => r.name === ref.trim());
    if (byName) return byName;
    const id = resolveIdPrefix(
      'API token',
      ref,
      rows.map((r) => r.id),
    );
    const row = rows.find((r) => r.id === id);
    if (!row) throw new NotFoundError('API token', ref);
    return row;
  }
}
