import { desc, eq, skills } from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import type { Deleted } from '../deleted.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { resolveRefIn } from '../id-prefix.ts';
import { scanSkillFolder } from './skill-folder-sync.ts';
import { skillIdFor } from './skill-id.ts';
import { parseSkillMarkdown, skillToMarkdown } from './skill-markdown.ts';
import type {
  Skill,
  SkillExport,
  SkillFields,
  SkillOrigin,
  SkillPatch,
  SkillSyncResult,
  UpsertOutcome,
} from './skill-model.ts';

export * from './skill-id.ts';
export * from './skill-markdown.ts';
export * from './skill-model.ts';

type SkillRow = typeof skills.$inferSelect;
type SkillColumns = Partial<Omit<SkillRow, 'id' | 'createdAt'>>;

function toWire(row: SkillRow): Skill {
  const skill: Skill = {
    id: row.id,
    name: row.name,
    description: row.description,
    tags: row.tags,
    content: row.content,
    storage_mode: row.storageMode,
    is_synced: row.isSynced,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
  // Optional wire fields are omitted when unset, never sent as null.
  if (row.folderPath !== null) skill.folder_path = row.folderPath;
  if (row.suggestedTools !== null) skill.suggested_tools = row.suggestedTools;
  if (row.scripts !== null) skill.scripts = row.scripts;
  if (row.references !== null) skill.references = row.references;
  if (row.gating !== null) skill.gating = row.gating;
  if (row.version !== null) skill.version = row.version;
  if (row.author !== null) skill.author = row.author;
  if (row.license !== null) skill.license = row.license;
  if (row.contentHash !== null) skill.content_hash = row.contentHash;
  return skill;
}

/** Maps the given author fields to columns; `undefined` leaves a column alone, `null` clears it. */
function columnsOf(fields: SkillPatch, origin: SkillOrigin = {}): SkillColumns {
  const columns: SkillColumns = {
    name: fields.name,
    description: fields.description,
    tags: fields.tags,
    content: fields.content,
    suggestedTools: fields.suggested_tools,
    scripts: fields.scripts,
    references: fields.references,
    gating: fields.gating,
    version: fields.version,
    author: fields.author,
    license: fields.license,
    folderPath: origin.folder_path,
    contentHash: origin.content_hash,
    storageMode: origin.storage_mode,
    isSynced: origin.is_synced,
  };
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined)) as SkillColumns;
}

/** Every author field set (unset ones as null), so an upsert replaces the whole authored part. */
const allFields = (fields: SkillFields): SkillFields => ({
  description: null,
  tags: null,
  suggested_tools: null,
  scripts: null,
  references: null,
  gating: null,
  version: null,
  author: null,
  license: null,
  ...fields,
});

export class SkillService {
  constructor(private readonly core: CoreContext) {}

  /** Most recently updated first. */
  list(): Skill[] {
    return this.core.db.select().from(skills).orderBy(desc(skills.updatedAt), skills.id).all().map(toWire);
  }

  find(id: string): Skill | undefined {
    const row = this.core.db.select().from(skills).where(eq(skills.id, id)).get();
    return row ? toWire(row) : undefined;
  }

  exists(id: string): boolean {
    return this.core.db.select({ id: skills.id }).from(skills).where(eq(skills.id, id)).get() !== undefined;
  }

  /** Accepts a full id or a unique prefix. */
  resolveId(idOrPrefix: string): string {
    return resolveRefIn(this.core.db, 'skills', 'Skill', idOrPrefix);
  }

  get(idOrPrefix: string): Skill {
    const skill = this.find(this.resolveId(idOrPrefix));
    if (!skill) throw new NotFoundError('Skill', idOrPrefix);
    return skill;
  }

  /** A missing id becomes the slug of the name; an existing id is a conflict. */
  create(input: SkillFields & { id?: string }, origin: SkillOrigin = {}): Skill {
    const { id: givenId, ...fields } = input;
    assertName(fields.name);
    const id = skillIdFor(givenId, fields.name, this.core.ids);
    if (this.exists(id)) throw new ConflictError(`Skill ${id} already exists`);
    const now = this.core.clock.now();
    this.core.db
      .insert(skills)
      .values({
        ...columnsOf(allFields(fields), origin),
        id,
        name: fields.name,
        content: fields.content,
        createdAt: now,
        updatedAt: now,
      })
      .run();
    this.core.changes.publish({ entity: 'skills', id, action: 'created' });
    return this.get(id);
  }

  update(idOrPrefix: string, patch: SkillPatch, origin: SkillOrigin = {}): Skill {
    const current = this.get(idOrPrefix);
    if (patch.name !== undefined) assertName(patch.name);
    const updatedAt = Math.max(this.core.clock.now(), current.updated_at);
    this.core.db
      .update(skills)
      .set({ ...columnsOf(patch, origin), updatedAt })
      .where(eq(skills.id, current.id))
      .run();
    this.core.changes.publish({ entity: 'skills', id: current.id, action: 'updated' });
    return this.get(current.id);
  }

  /** Creates `id`, or replaces the authored fields of the existing skill (its created_at is kept). */
  upsert(id: string, fields: SkillFields, origin: SkillOrigin = {}): { outcome: UpsertOutcome; skill: Skill } {
    if (this.exists(id)) return { outcome: 'updated', skill: this.update(id, allFields(fields), origin) };
    return { outcome: 'created', skill: this.create({ ...fields, id }, origin) };
  }

  delete(idOrPrefix: string): Deleted {
    const id = this.resolveId(idOrPrefix);
    const result = this.core.db.delete(skills).where(eq(skills.id, id)).run();
    if (result.changes === 0) throw new NotFoundError('Skill', idOrPrefix);
    this.core.changes.publish({ entity: 'skills', id, action: 'deleted' });
    return { deleted: true, id };
  }

  /**
   * Imports skill markdown; the id defaults to the slug of the frontmatter name. Importing over an existing
   * id replaces its authored fields, so an edited export can be imported back.
   */
  importMarkdown(markdown: string, id?: string): Skill {
    const fields = parseSkillMarkdown(markdown);
    const skillId = skillIdFor(id, fields.name, this.core.ids);
    return this.upsert(skillId, fields).skill;
  }

  exportMarkdown(idOrPrefix: string): SkillExport {
    const skill = this.get(idOrPrefix);
    return { id: skill.id, filename: `${skill.id}.md`, markdown: skillToMarkdown(skill) };
  }

  /** Syncs `<dir>/<skill>/SKILL.md` folders (default: the data dir's skills folder) into the table. */
  async syncFolder(dir?: string): Promise<SkillSyncResult> {
    const target = dir ?? this.core.paths?.skillsDir;
    if (!target) throw InvalidInputError.field('dir', 'no skills directory given and no data directory configured');
    const scan = await scanSkillFolder(target);
    const result: SkillSyncResult = { scanned: scan.scanned, created: 0, updated: 0, skipped: 0, errors: scan.errors };
    this.core.db.transaction(() => {
      for (const scanned of scan.skills) {
        if (this.find(scanned.id)?.content_hash === scanned.contentHash) {
          result.skipped += 1;
          continue;
        }
        const origin: SkillOrigin = {
          folder_path: scanned.folderPath,
          content_hash: scanned.contentHash,
          storage_mode: 'Hybrid',
          is_synced: true,
        };
        const { outcome } = this.upsert(scanned.id, scanned.fields, origin);
        result[outcome] += 1;
      }
    });
    return result;
  }
}

function assertName(name: string): void {
  if (name.trim().length === 0) throw InvalidInputError.field('name', 'must not be empty');
}
