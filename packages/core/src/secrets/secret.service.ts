import { asc, eq, like, not, secrets } from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import type { Deleted } from '../deleted.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { MasterKey } from './master-key.ts';
import { decryptSecret, encryptSecret } from './secret-cipher.ts';

/** What listing shows: never the value. */
export interface SecretInfo {
  key: string;
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface SecretValue {
  key: string;
  value: string;
}

export type SecretSource = 'stored' | 'environment';

export interface SecretPresence {
  key: string;
  exists: boolean;
  source: SecretSource | null;
}

export const WELL_KNOWN_SECRET_KEYS = [
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'DEEPSEEK_API_KEY',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_CHAT_ID',
] as const;

export const USER_SECRET_KEY_PATTERN = /^[A-Z0-9_]+$/;
export const MAX_SECRET_KEY_LENGTH = 128;
export const MAX_SECRET_VALUE_BYTES = 64 * 1024;
export const MAX_SECRET_DESCRIPTION_LENGTH = 500;

export type CredentialField = 'api_key' | 'token' | 'access_token' | 'refresh_token';
const INTERNAL_SECRET_KEY_PATTERN = /^auth:[A-Za-z0-9-]+:(api_key|token|access_token|refresh_token)$/;
const INTERNAL_PREFIX = 'auth:';

/** The secret that holds one credential field of an auth profile. */
export const authSecretKey = (profileId: string, field: CredentialField): string =>
  `${INTERNAL_PREFIX}${profileId}:${field}`;

export const isInternalSecretKey = (key: string): boolean => INTERNAL_SECRET_KEY_PATTERN.test(key);

/** The env var a secret falls back to: `KEY.toUpperCase().replace(/-/g, '_')`. */
export const envNameForSecret = (key: string): string => key.toUpperCase().replace(/-/g, '_');

function assertUserKey(key: string): void {
  if (key.length === 0 || key.length > MAX_SECRET_KEY_LENGTH || !USER_SECRET_KEY_PATTERN.test(key)) {
    throw InvalidInputError.field(
      'key',
      `secret key "${key.slice(0, MAX_SECRET_KEY_LENGTH)}" must be 1-${MAX_SECRET_KEY_LENGTH} characters of A-Z, 0-9 and _ (e.g. OPENAI_API_KEY)`,
    );
  }
}

function assertValue(value: string): void {
  // Messages describe the value, never quote it.
  if (value.length === 0) throw InvalidInputError.field('value', 'must not be empty');
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_VALUE_BYTES) {
    throw InvalidInputError.field('value', `must be at most ${MAX_SECRET_VALUE_BYTES} bytes`);
  }
}

function assertDescription(description: string | null | undefined): void {
  if (description && description.length > MAX_SECRET_DESCRIPTION_LENGTH) {
    throw InvalidInputError.field('description', `must be at most ${MAX_SECRET_DESCRIPTION_LENGTH} characters`);
  }
}

type SecretRow = typeof secrets.$inferSelect;

const toInfo = (row: SecretRow): SecretInfo => ({
  key: row.key,
  description: row.description ?? null,
  created_at: row.createdAt,
  updated_at: row.updatedAt,
});

/**
 * Encrypted key/value secrets. User keys are `[A-Z0-9_]+`; `auth:{profile_id}:{field}` keys belong to auth
 * profiles and are only reachable through the *Internal methods. Values never appear in errors.
 */
export class SecretService {
  private readonly masterKey: MasterKey;

  constructor(
    private readonly core: CoreContext,
    masterKey?: MasterKey,
  ) {
    this.masterKey = masterKey ?? new MasterKey({ env: core.env, keyFile: core.paths?.masterKey });
  }

  /** User secrets sorted by key; `includeInternal` adds the auth-profile credential rows. */
  list(options: { includeInternal?: boolean } = {}): SecretInfo[] {
    const query = this.core.db.select().from(secrets);
    const rows = options.includeInternal
      ? query.orderBy(asc(secrets.key)).all()
      : query
          .where(not(like(secrets.key, `${INTERNAL_PREFIX}%`)))
          .orderBy(asc(secrets.key))
          .all();
    return rows.map(toInfo);
  }

  /** Upsert; the description is always overwritten (absent → cleared). */
  set(key: string, value: string, description?: string | null): SecretInfo {
    assertUserKey(key);
    return this.write(key, value, description ?? null, 'upsert');
  }

  create(key: string, value: string, description?: string | null): SecretInfo {
    assertUserKey(key);
    return this.write(key, value, description ?? null, 'create');
  }

  /** Replaces the value of an existing secret; the description changes only when given (null clears it). */
  update(key: string, value: string, description?: string | null): SecretInfo {
    assertUserKey(key);
    return this.write(key, value, description, 'update');
  }

  /** The stored value, else the environment variable of the same name; NOT_FOUND when neither exists. */
  /**
   * A stored secret's value. Only stored ones: the daemon's environment is not a secret store, and reading it
   * back (`secret get PATH`) would hand out whatever the daemon was started with.
   */
  get(key: string): SecretValue {
    assertUserKey(key);
    const row = this.row(key);
    if (!row) throw new NotFoundError('Secret', key);
    return { key, value: decryptSecret(this.masterKey.get(), key, row.ciphertext) };
  }

  /** For internal callers (agent engine, channels, auth): the value or undefined, with the env fallback. */
  getValue(key: string): string | undefined {
    const row = this.row(key);
    if (row) return decryptSecret(this.masterKey.get(), key, row.ciphertext);
    if (isInternalSecretKey(key)) return undefined;
    const fromEnv = this.core.env[envNameForSecret(key)];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  }

  has(key: string): SecretPresence {
    assertUserKey(key);
    if (this.row(key)) return { key, exists: true, source: 'stored' };
    const fromEnv = this.core.env[envNameForSecret(key)];
    if (fromEnv !== undefined && fromEnv !== '') return { key, exists: true, source: 'environment' };
    return { key, exists: false, source: null };
  }

  delete(key: string): Deleted {
    assertUserKey(key);
    const result = this.core.db.delete(secrets).where(eq(secrets.key, key)).run();
    if (result.changes === 0) throw new NotFoundError('Secret', key);
    this.syncRedactor();
    this.core.changes.publish({ entity: 'secrets', id: key, action: 'deleted' });
    return { deleted: true, id: key };
  }

  /** Stores a credential field of an auth profile (`auth:{profile_id}:{field}`). */
  setInternal(key: string, value: string): void {
    if (!isInternalSecretKey(key)) throw InvalidInputError.field('key', `"${key}" is not an internal secret key`);
    this.write(key, value, null, 'upsert');
  }

  deleteInternal(keys: readonly string[]): number {
    let deleted = 0;
    for (const key of keys) {
      if (!isInternalSecretKey(key)) throw InvalidInputError.field('key', `"${key}" is not an internal secret key`);
      deleted += this.core.db.delete(secrets).where(eq(secrets.key, key)).run().changes;
    }
    return deleted;
  }

  /**
   * Every stored value (auth-profile credentials included), for the redactor. Touches the master key only when
   * there is something to decrypt; a row that no longer decrypts is skipped (it cannot leak what nobody can read).
   */
  allValues(): string[] {
    const rows = this.core.db.select().from(secrets).all();
    if (rows.length === 0) return [];
    const key = this.masterKey.get();
    const values: string[] = [];
    for (const row of rows) {
      try {
        values.push(decryptSecret(key, row.key, row.ciphertext));
      } catch {
        // unreadable row: nothing to redact
      }
    }
    return values;
  }

  /** The master key in the forms it is written (hex in master.key, base64 in RESTFLOW_MASTER_KEY), once loaded. */
  masterKeyForms(): string[] {
    if (!this.masterKey.loadedOrOnDisk()) return [];
    const key = this.masterKey.get();
    return [key.toString('hex'), key.toString('base64'), key.toString('base64url')];
  }

  /** Gives the redactor the current stored values and the master key; called at start-up and after each write. */
  syncRedactor(): void {
    try {
      this.core.redactor.set('secrets', this.allValues());
      this.core.redactor.set('master_key', this.masterKeyForms());
    } catch {
      // The master key cannot be loaded (its error surfaces on the first secret access): nothing is decryptable.
    }
  }

  /**
   * Encrypts a value another domain stores itself (an MCP server's headers) with the master key, bound to
   * `purpose` so a ciphertext cannot be moved to another row.
   */
  seal(purpose: string, value: string): string {
    return encryptSecret(this.masterKey.get(), purpose, value);
  }

  /** The value `seal(purpose, value)` sealed. */
  unseal(purpose: string, stored: string): string {
    return decryptSecret(this.masterKey.get(), purpose, stored);
  }

  /** Fails with a clear error when the master key cannot be loaded (bad env value, unsafe file mode). */
  masterKeySource(): string {
    return this.masterKey.source();
  }

  private row(key: string): SecretRow | undefined {
    return this.core.db.select().from(secrets).where(eq(secrets.key, key)).get();
  }

  private write(
    key: string,
    value: string,
    description: string | null | undefined,
    mode: 'upsert' | 'create' | 'update',
  ): SecretInfo {
    assertValue(value);
    assertDescription(description);
    const ciphertext = encryptSecret(this.masterKey.get(), key, value);
    return this.core.db.transaction(() => {
      const existing = this.row(key);
      if (existing && mode === 'create') throw new ConflictError(`Secret ${key} already exists`);
      if (!existing && mode === 'update') throw new NotFoundError('Secret', key);
      const now = this.core.clock.now();
      if (!existing) {
        const row = { key, ciphertext, description: description ?? null, createdAt: now, updatedAt: now };
        this.core.db.insert(secrets).values(row).run();
        this.syncRedactor();
        this.core.changes.publish({ entity: 'secrets', id: key, action: 'created' });
        return toInfo(row);
      }
      const next = {
        ciphertext,
        description: description === undefined ? existing.description : description,
        updatedAt: Math.max(now, existing.updatedAt),
      };
      this.core.db.update(secrets).set(next).where(eq(secrets.key, key)).run();
      this.syncRedactor();
      this.core.changes.publish({ entity: 'secrets', id: key, action: 'updated' });
      return toInfo({ ...existing, ...next });
    });
  }
}
