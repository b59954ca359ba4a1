// Where agent runs execute, as config keys (docs/workers.md): `execution.backend` (local | queue), the Redis URL
// and the queue names, stored in system_config under `execution`. A Redis URL given with a password is split: the
// URL is kept without it and the password goes to the secret store (RESTFLOW_REDIS_PASSWORD), encrypted and known
// to the redactor, so no config output, error or log line carries it. The daemon reads them once at start;
// RESTFLOW_EXECUTION_BACKEND, RESTFLOW_REDIS_URL, RESTFLOW_QUEUE and RESTFLOW_QUEUE_PREFIX override them.
import { type Db, eq, systemConfig } from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import { InvalidInputError } from '../errors.ts';
import type { ChangeFeed } from '../events/change-feed.ts';
import type { Clock } from '../runtime.ts';
import type { SecretService } from '../secrets/secret.service.ts';
import type { ExecutionSettings } from './worker.service.ts';

export const EXECUTION_SETTINGS_KEY = 'execution';
/** The secret that holds the Redis password of `execution.redis_url`. */
export const REDIS_PASSWORD_SECRET = 'RESTFLOW_REDIS_PASSWORD';
export const EXECUTION_BACKENDS = ['local', 'queue'] as const;
export type ExecutionBackendName = (typeof EXECUTION_BACKENDS)[number];

/** BullMQ queue names and key prefixes: short words (`:` is its key separator). */
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_URL_LENGTH = 2048;

export interface StoredExecutionSettings {
  backend: ExecutionBackendName;
  /** Never with a password in it. */
  redis_url: string | null;
  queue: string | null;
  queue_prefix: string | null;
}

/** What `config.execution.get` shows: the stored keys, and what this daemon runs with (passwords left out). */
export interface ExecutionSettingsView {
  backend: ExecutionBackendName;
  redis_url: string | null;
  /** The secret holding the Redis password, when one is stored (or given in the daemon's environment). */
  redis_password_secret: string | null;
  queue: string;
  queue_prefix: string;
  /** Read once at start: a change applies at the next daemon start. Environment variables win over the keys. */
  in_effect: {
    backend: ExecutionBackendName;
    redis_url: string | null;
    queue: string;
    queue_prefix: string;
    /** The RESTFLOW_* variables that override a key in this daemon. */
    from_environment: string[];
  };
}

export interface ExecutionSettingsPatch {
  backend?: ExecutionBackendName;
  /** May carry a password (moved to the secret store); empty or null unsets the URL and its password. */
  redis_url?: string | null;
  /** Empty or null: the default. */
  queue?: string | null;
  queue_prefix?: string | null;
}

const DEFAULTS: StoredExecutionSettings = { backend: 'local', redis_url: null, queue: null, queue_prefix: null };

/**
 * A Redis URL split into the URL without its password and the password. The error never quotes the value: it may
 * hold the password.
 */
export function splitRedisUrl(raw: string, field = 'redis_url'): { url: string; password: string | null } {
  const trimmed = raw.trim();
  let parsed: URL;
  try {
    if (trimmed.length > MAX_URL_LENGTH) throw new Error('too long');
    parsed = new URL(trimmed);
  } catch {
    throw InvalidInputError.field(field, 'must be a URL like redis://[:password@]host:6379/0');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw InvalidInputError.field(field, 'must start with redis:// or rediss://');
  }
  if (!parsed.hostname) throw InvalidInputError.field(field, 'must name a host');
  if (parsed.pathname && parsed.pathname !== '/' && !/^\/\d{1,2}$/.test(parsed.pathname)) {
    throw InvalidInputError.field(field, 'may end with a database number only (/0 … /15)');
  }
  const password = parsed.password ? decodeURIComponent(parsed.password) : null;
  parsed.password = '';
  // `redis://:@host` (an empty user and password) reads better without the `:@`.
  const url = parsed.username ? parsed.toString() : parsed.toString().replace(/^(rediss?:\/\/):?@/, '$1');
  return { url: url.replace(/\/$/, ''), password };
}

/** The URL with `password` put back in (for BullMQ and the workers). */
export function withRedisPassword(url: string, password: string | undefined): string {
  if (!password) return url;
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString().replace(/\/$/, '');
}

/** A URL safe to show: its password, if any, left out. */
export function redisUrlForDisplay(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    return splitRedisUrl(url).url;
  } catch {
    return '(not a valid Redis URL)';
  }
}

function passwordOf(url: string): string | null {
  try {
    return splitRedisUrl(url).password;
  } catch {
    // Not a URL this check reads: ioredis says what is wrong with it when it connects.
    return null;
  }
}

function checkQueueName(field: string, value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  if (!QUEUE_NAME.test(trimmed))
    throw InvalidInputError.field(field, 'must be 1-64 characters of A-Z, a-z, 0-9, _ and -');
  return trimmed;
}

export class ExecutionSettingsService {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly changes: ChangeFeed;
  private readonly env: NodeJS.ProcessEnv;
  private effective: ExecutionSettings | undefined;

  private readonly redactor: CoreContext['redactor'] | undefined;

  constructor(
    core: Pick<CoreContext, 'db' | 'clock' | 'changes' | 'env'> & Partial<Pick<CoreContext, 'redactor'>>,
    private readonly secrets: Pick<SecretService, 'set' | 'getValue' | 'has' | 'delete'>,
  ) {
    this.redactor = core.redactor;
    this.db = core.db;
    this.clock = core.clock;
    this.changes = core.changes;
    this.env = core.env;
  }

  stored(): StoredExecutionSettings {
    const row = this.db.select().from(systemConfig).where(eq(systemConfig.key, EXECUTION_SETTINGS_KEY)).get();
    return { ...DEFAULTS, ...((row?.value as Partial<StoredExecutionSettings> | undefined) ?? {}) };
  }

  /** Changes the keys given; the others keep their values. Everything is checked before anything is written. */
  set(patch: ExecutionSettingsPatch): ExecutionSettingsView {
    const next = { ...this.stored() };
    let password: string | null | undefined;
    if (patch.backend !== undefined) {
      if (!(EXECUTION_BACKENDS as readonly string[]).includes(patch.backend)) {
        throw InvalidInputError.field('backend', 'must be local or queue');
      }
      next.backend = patch.backend;
    }
    if (patch.redis_url !== undefined) {
      if (patch.redis_url === null || patch.redis_url.trim() === '') {
        next.redis_url = null;
        password = null;
      } else {
        const split = splitRedisUrl(patch.redis_url);
        next.redis_url = split.url;
        // A URL without a password keeps the one stored (set apart with `secret set RESTFLOW_REDIS_PASSWORD`).
        if (split.password !== null) password = split.password;
      }
    }
    if (patch.queue !== undefined) next.queue = checkQueueName('queue', patch.queue);
    if (patch.queue_prefix !== undefined) next.queue_prefix = checkQueueName('queue_prefix', patch.queue_prefix);
    if (next.backend === 'queue' && !next.redis_url && !this.env.RESTFLOW_REDIS_URL?.trim()) {
      throw InvalidInputError.field('redis_url', 'the queue backend needs execution.redis_url (or RESTFLOW_REDIS_URL)');
    }
    if (password) {
      this.secrets.set(REDIS_PASSWORD_SECRET, password, 'The Redis password of execution.redis_url (docs/workers.md)');
    } else if (password === null && this.secrets.has(REDIS_PASSWORD_SECRET).source === 'stored') {
      this.secrets.delete(REDIS_PASSWORD_SECRET);
    }
    const now = this.clock.now();
    this.db
      .insert(systemConfig)
      .values({ key: EXECUTION_SETTINGS_KEY, value: next, updatedAt: now })
      .onConflictDoUpdate({ target: systemConfig.key, set: { value: next, updatedAt: now } })
      .run();
    this.changes.publish({ entity: 'config', id: EXECUTION_SETTINGS_KEY, action: 'updated' });
    return this.view();
  }

  /**
   * What the daemon runs with, read once (at start): environment variables first, then the stored keys, then the
   * defaults. The Redis URL gets the stored password back. Invalid input names the variable or key at fault.
   */
  settings(): ExecutionSettings {
    this.effective ??= this.resolve();
    return this.effective;
  }

  view(): ExecutionSettingsView {
    const stored = this.stored();
    const effective = this.settings();
    const presence = this.secrets.has(REDIS_PASSWORD_SECRET);
    return {
      backend: stored.backend,
      redis_url: stored.redis_url,
      redis_password_secret: presence.exists ? REDIS_PASSWORD_SECRET : null,
      queue: stored.queue ?? 'default',
      queue_prefix: stored.queue_prefix ?? 'restflow',
      in_effect: {
        backend: effective.backend,
        redis_url: redisUrlForDisplay(effective.redisUrl),
        queue: effective.queue,
        queue_prefix: effective.prefix,
        from_environment: OVERRIDES.filter((name) => this.env[name]?.trim()),
      },
    };
  }

  private resolve(): ExecutionSettings {
    const { env } = this;
    const stored = this.stored();
    const backend = env.RESTFLOW_EXECUTION_BACKEND?.trim() || stored.backend;
    if (backend !== 'local' && backend !== 'queue') {
      throw InvalidInputError.field('RESTFLOW_EXECUTION_BACKEND', 'must be local or queue');
    }
    const positive = (name: string, fallback: number) => {
      const value = Number(env[name]);
      return env[name] && Number.isInteger(value) && value > 0 ? value : fallback;
    };
    const workerTimeoutMs = positive('RESTFLOW_WORKER_TIMEOUT_MS', 15_000);
    const fromEnv = env.RESTFLOW_REDIS_URL?.trim();
    // The password as it stands in the URL (percent-encoded) too: the redactor keeps both forms out of every log.
    const envPassword = fromEnv ? passwordOf(fromEnv) : null;
    if (envPassword) this.redactor?.set('RESTFLOW_REDIS_URL', [envPassword, encodeURIComponent(envPassword)]);
    const storedPassword = stored.redis_url ? this.secrets.getValue(REDIS_PASSWORD_SECRET) : undefined;
    if (storedPassword) this.redactor?.set('execution.redis_url', [encodeURIComponent(storedPassword)]);
    const redisUrl =
      fromEnv ||
      (stored.redis_url
        ? withRedisPassword(stored.redis_url, this.secrets.getValue(REDIS_PASSWORD_SECRET))
        : undefined);
    if (backend === 'queue' && !redisUrl) {
      throw InvalidInputError.field(
        'RESTFLOW_REDIS_URL',
        'the queue backend needs a Redis URL: restflow config set execution.redis_url redis://host:6379/0',
      );
    }
    return {
      backend,
      ...(redisUrl ? { redisUrl } : {}),
      queue: env.RESTFLOW_QUEUE?.trim() || stored.queue || 'default',
      prefix: env.RESTFLOW_QUEUE_PREFIX?.trim() || stored.queue_prefix || 'restflow',
      workerTimeoutMs,
      heartbeatMs: positive('RESTFLOW_WORKER_HEARTBEAT_MS', Math.max(50, Math.floor(workerTimeoutMs / 3))),
    };
  }
}

const OVERRIDES = ['RESTFLOW_EXECUTION_BACKEND', 'RESTFLOW_REDIS_URL', 'RESTFLOW_QUEUE', 'RESTFLOW_QUEUE_PREFIX'];
