import type { SkillGating, SkillReference, SkillScript, SkillStorageMode } from '@restflow/db';

export type { SkillGating, SkillReference, SkillScript, SkillStorageMode };

/** Wire shape of a skill (docs/entities.md#skills); optional fields are omitted when unset. */
export interface Skill {
  id: string;
  name: string;
  description: string | null;
  tags: string[] | null;
  /** Markdown body. */
  content: string;
  folder_path?: string;
  suggested_tools?: string[];
  scripts?: SkillScript[];
  references?: SkillReference[];
  gating?: SkillGating;
  version?: string;
  author?: string;
  license?: string;
  content_hash?: string;
  storage_mode: SkillStorageMode;
  is_synced: boolean;
  created_at: number;
  updated_at: number;
}

/** What an author writes: the markdown frontmatter plus the body. */
export interface SkillFields {
  name: string;
  description?: string | null;
  tags?: string[] | null;
  content: string;
  suggested_tools?: string[] | null;
  scripts?: SkillScript[] | null;
  references?: SkillReference[] | null;
  gating?: SkillGating | null;
  version?: string | null;
  author?: string | null;
  license?: string | null;
}

/** Only the given fields change; `null` clears an optional field. */
export type SkillPatch = Partial<SkillFields>;

/** Where a skill came from; set by folder sync, untouched by edits. */
export interface SkillOrigin {
  folder_path?: string | null;
  content_hash?: string | null;
  storage_mode?: SkillStorageMode;
  is_synced?: boolean;
}

export type UpsertOutcome = 'created' | 'updated';

export interface SkillExport {
  id: string;
  filename: string;
  markdown: string;
}

export interface SkillSyncResult {
  scanned: number;
  created: number;
  updated: number;
  skipped: number;
  /** Folders whose SKILL.md could not be read as a skill; the rest of the sync still happened. */
  errors: { path: string; message: string }[];
}

/** The frontmatter keys, in the order they are written on export. */
export const FRONTMATTER_KEYS = [
  'name',
  'description',
  'tags',
  'suggested_tools',
  'scripts',
  'references',
  'gating',
  'version',
  'author',
  'license',
] as const satisfies readonly (keyof SkillFields)[];
