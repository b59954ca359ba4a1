import { type Db, eq, placeholder, preparedQueriesOf, systemConfig } from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import { InvalidInputError } from '../errors.ts';
import type { ChangeFeed } from '../events/change-feed.ts';
import type { Clock } from '../runtime.ts';

/** docs/entities.md#system-config. Consumed live by the scheduler (worker_count = concurrency). */
export interface SystemConfig {
  worker_count: number;
  task_timeout_seconds: number;
  stall_timeout_seconds: number;
  max_retries: number;
  /** Sub-agents (docs/engine.md#sub-agents): running children per parent run, their time budget, tree depth. */
  subagent_max_parallel: number;
  subagent_timeout_seconds: number;
  subagent_max_depth: number;
  /** The daemon log (docs/lifecycle.md#logs): rotated past this size, this many rotated files kept, none older. */
  log_max_file_mb: number;
  log_keep_files: number;
  log_max_age_days: number;
  /** Runs started longer ago than this have their token and thinking deltas compacted (docs/streams.md#compaction). */
  run_events_keep_days: number;
}

export const DEFAULT_SYSTEM_CONFIG: Readonly<SystemConfig> = Object.freeze({
  worker_count: 4,
  task_timeout_seconds: 300,
  stall_timeout_seconds: 300,
  max_retries: 3,
  subagent_max_parallel: 5,
  subagent_timeout_seconds: 300,
  subagent_max_depth: 3,
  log_max_file_mb: 10,
  log_keep_files: 3,
  log_max_age_days: 14,
  run_events_keep_days: 30,
});

export const CONFIG_KEYS = Object.keys(DEFAULT_SYSTEM_CONFIG) as (keyof SystemConfig)[];

const MINIMUMS: Record<keyof SystemConfig, number> = {
  worker_count: 1,
  task_timeout_seconds: 10,
  stall_timeout_seconds: 10,
  max_retries: 1,
  subagent_max_parallel: 1,
  subagent_timeout_seconds: 1,
  subagent_max_depth: 1,
  log_max_file_mb: 1,
  log_keep_files: 1,
  log_max_age_days: 1,
  run_events_keep_days: 1,
};

export function isConfigKey(key: string): key is keyof SystemConfig {
  return (CONFIG_KEYS as string[]).includes(key);
}

export function validateSystemConfig(config: SystemConfig): SystemConfig {
  for (const key of CONFIG_KEYS) {
    const value = config[key];
    if (!Number.isInteger(value)) throw InvalidInputError.field(key, 'must be an integer');
    if (value < MINIMUMS[key]) throw InvalidInputError.field(key, `must be at least ${MINIMUMS[key]}`);
  }
  return config;
}

const SYSTEM_KEY = 'system';

/** config.get's read, built once per database (prepared-queries.ts): every config read and write asks. */
const configQueries = preparedQueriesOf((db) => ({
  byKey: db
    .select()
    .from(systemConfig)
    .where(eq(systemConfig.key, placeholder('key')))
    .prepare(),
}));
type ConfigListener = (config: SystemConfig) => void;

export class ConfigService {
  private readonly listeners = new Set<ConfigListener>();

  private readonly db: Db;
  private readonly clock: Clock;
  private readonly changes: ChangeFeed;

  constructor(core: Pick<CoreContext, 'db' | 'clock' | 'changes'>) {
    this.db = core.db;
    this.clock = core.clock;
    this.changes = core.changes;
  }

  get(): SystemConfig {
    const row = configQueries(this.db).byKey.get({ key: SYSTEM_KEY });
    // Unknown/missing keys in a stored row fall back to defaults, so older rows keep working.
    return { ...DEFAULT_SYSTEM_CONFIG, ...((row?.value as Partial<SystemConfig> | undefined) ?? {}) };
  }

  /** Keys a caller leaves out (one written before they existed) keep their current values. */
  set(config: Partial<SystemConfig>): SystemConfig {
    const valid = validateSystemConfig({ ...this.get(), ...config });
    const value = Object.fromEntries(CONFIG_KEYS.map((k) => [k, valid[k]])) as unknown as SystemConfig;
    this.db
      .insert(systemConfig)
      .values({ key: SYSTEM_KEY, value, updatedAt: this.clock.now() })
      .onConflictDoUpdate({ target: systemConfig.key, set: { value, updatedAt: this.clock.now() } })
      .run();
    this.changes?.publish({ entity: 'config', id: SYSTEM_KEY, action: 'updated' });
    for (const listener of this.listeners) listener(value);
    return value;
  }

  setKey(key: string, value: number): SystemConfig {
    if (!isConfigKey(key)) {
      throw InvalidInputError.field('key', `unknown config key "${key}" (known: ${CONFIG_KEYS.join(', ')})`);
    }
    return this.set({ ...this.get(), [key]: value });
  }

  reset(): SystemConfig {
    return this.set({ ...DEFAULT_SYSTEM_CONFIG });
  }

  /** Lets the scheduler follow config changes live. Returns an unsubscribe function. */
  onChange(listener: ConfigListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
