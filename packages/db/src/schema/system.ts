import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Key/value settings; the `system` key holds `SystemConfig` (docs/entities.md#system-config). */
export const systemConfig = sqliteTable('system_config', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const terminalSessions = sqliteTable('terminal_sessions', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: integer('created_at').notNull(),
  status: text('status').$type<'running' | 'stopped'>().notNull().default('running'),
  history: text('history'),
  stoppedAt: integer('stopped_at'),
  workingDirectory: text('working_directory'),
  startupCommand: text('startup_command'),
});

export type SharedVisibility = 'public' | 'shared' | 'private';

export const sharedSpace = sqliteTable(
  'shared_space',
  {
    /** `namespace:name` */
    key: text('key').primaryKey(),
    value: text('value').notNull(),
    visibility: text('visibility').$type<SharedVisibility>().notNull().default('public'),
    owner: text('owner'),
    contentType: text('content_type'),
    typeHint: text('type_hint'),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    lastModifiedBy: text('last_modified_by'),
  },
  (t) => [index('shared_space_owner_idx').on(t.owner)],
);
