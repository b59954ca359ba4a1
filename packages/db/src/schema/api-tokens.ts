import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Bearer tokens for non-browser clients of the daemon's HTTP API. Only the sha256 of a token is stored: the
 * plaintext is shown once, when it is created.
 */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** hex sha256 of the token; a token is 32 random bytes, so a plain hash resists guessing. */
    tokenHash: text('token_hash').notNull(),
    /** The first characters of the token, so a user can tell tokens apart without the secret. */
    prefix: text('prefix').notNull(),
    readOnly: integer('read_only', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [uniqueIndex('api_tokens_name_idx').on(t.name), uniqueIndex('api_tokens_hash_idx').on(t.tokenHash)],
);
