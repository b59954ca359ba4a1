import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Only ciphertext is stored: `value` never touches the database in clear. */
export const secrets = sqliteTable('secrets', {
  key: text('key').primaryKey(),
  /** base64(12-byte nonce ‖ AES-256-GCM ciphertext ‖ 16-byte tag) of the value. */
  ciphertext: text('ciphertext').notNull(),
  description: text('description'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type SecureCredential =
  | { type: 'api_key'; secret_ref: string; email?: string }
  | { type: 'token'; secret_ref: string; expires_at?: string; email?: string }
  | { type: 'o_auth'; access_token_ref: string; refresh_token_ref?: string; expires_at?: string; email?: string };

export type AuthSource = 'claude_code' | 'codex_cli' | 'keychain' | 'environment' | 'manual';
export type AuthProvider = 'anthropic' | 'claude_code' | 'openai' | 'openai_codex' | 'google' | 'other';
export type AuthHealth = 'healthy' | 'cooldown' | 'disabled' | 'unknown';

export const authProfiles = sqliteTable(
  'auth_profiles',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    credential: text('credential', { mode: 'json' }).$type<SecureCredential>().notNull(),
    source: text('source').$type<AuthSource>().notNull(),
    provider: text('provider').$type<AuthProvider>().notNull(),
    health: text('health').$type<AuthHealth>().notNull().default('unknown'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    priority: integer('priority').notNull().default(0),
    createdAt: text('created_at').notNull(),
    lastUsedAt: text('last_used_at'),
    lastFailedAt: text('last_failed_at'),
    failureCount: integer('failure_count').notNull().default(0),
    cooldownUntil: text('cooldown_until'),
  },
  (t) => [index('auth_profiles_provider_idx').on(t.provider)],
);
