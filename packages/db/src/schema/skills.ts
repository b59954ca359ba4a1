import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export interface SkillScript {
  id: string;
  path: string;
  lang?: string;
}
export interface SkillReference {
  id: string;
  path: string;
}
export interface SkillGating {
  bins?: string[];
  env?: string[];
  os?: string[];
}
export type SkillStorageMode = 'DatabaseOnly' | 'FileSystemOnly' | 'Hybrid';

export const skills = sqliteTable(
  'skills',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    tags: text('tags', { mode: 'json' }).$type<string[]>(),
    content: text('content').notNull(),
    folderPath: text('folder_path'),
    suggestedTools: text('suggested_tools', { mode: 'json' }).$type<string[]>(),
    scripts: text('scripts', { mode: 'json' }).$type<SkillScript[]>(),
    references: text('references', { mode: 'json' }).$type<SkillReference[]>(),
    gating: text('gating', { mode: 'json' }).$type<SkillGating>(),
    version: text('version'),
    author: text('author'),
    license: text('license'),
    contentHash: text('content_hash'),
    storageMode: text('storage_mode').$type<SkillStorageMode>().notNull().default('DatabaseOnly'),
    isSynced: integer('is_synced', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('skills_updated_idx').on(t.updatedAt)],
);
