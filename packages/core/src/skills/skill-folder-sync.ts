// Reads a skills folder laid out as `<dir>/<skill>/SKILL.md` (+ optional `scripts/`) into skill records. The
// service decides create / update / skip from the content hash.
import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DomainError, InvalidInputError } from '../errors.ts';
import { skillSlug } from './skill-id.ts';
import { parseSkillMarkdown } from './skill-markdown.ts';
import type { SkillFields, SkillScript } from './skill-model.ts';

export const SKILL_FILE = 'SKILL.md';

const LANG_BY_EXTENSION: Record<string, string> = {
  '.py': 'python',
  '.sh': 'bash',
  '.bash': 'bash',
  '.zsh': 'zsh',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.ts': 'typescript',
  '.rb': 'ruby',
  '.pl': 'perl',
  '.php': 'php',
  '.lua': 'lua',
  '.ps1': 'powershell',
  '.r': 'r',
};

export function scriptLang(file: string): string | undefined {
  return LANG_BY_EXTENSION[path.extname(file).toLowerCase()];
}

export interface ScannedSkill {
  id: string;
  folderPath: string;
  fields: SkillFields;
  /** Hash of SKILL.md and the list of discovered scripts: either changing means the skill changed. */
  contentHash: string;
}

export interface FolderScan {
  scanned: number;
  skills: ScannedSkill[];
  errors: { path: string; message: string }[];
}

export async function assertDirectory(dir: string): Promise<void> {
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) throw InvalidInputError.field('dir', `${dir} is not an existing directory`);
}

export async function scanSkillFolder(dir: string): Promise<FolderScan> {
  const root = path.resolve(dir);
  await assertDirectory(root);
  const entries = (await fs.readdir(root, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name));
  const scan: FolderScan = { scanned: 0, skills: [], errors: [] };
  for (const entry of entries) {
    const folderPath = path.join(root, entry.name);
    const file = path.join(folderPath, SKILL_FILE);
    const markdown = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (markdown === undefined) continue;
    scan.scanned += 1;
    try {
      scan.skills.push(await readSkill(entry.name, folderPath, markdown));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      scan.errors.push({ path: file, message: error.message });
    }
  }
  return scan;
}

async function readSkill(folderName: string, folderPath: string, markdown: string): Promise<ScannedSkill> {
  const fields = parseSkillMarkdown(markdown, { field: SKILL_FILE, fallbackName: folderName });
  const id = skillSlug(folderName) || skillSlug(fields.name);
  if (!id) throw InvalidInputError.field('id', `no skill id can be derived from folder "${folderName}"`);
  const discovered = await discoverScripts(folderPath);
  const declared = fields.scripts ?? [];
  const declaredPaths = new Set(declared.map((s) => normalizeRelative(s.path)));
  const scripts = [...declared, ...discovered.filter((s) => !declaredPaths.has(s.path))];
  const contentHash = createHash('sha256')
    .update(markdown)
    .update('\0')
    .update(discovered.map((s) => s.path).join('\n'))
    .digest('hex');
  return { id, folderPath, contentHash, fields: { ...fields, scripts: scripts.length > 0 ? scripts : fields.scripts } };
}

/** Every file under `scripts/` (recursively), with a path relative to the skill folder. */
async function discoverScripts(folderPath: string): Promise<SkillScript[]> {
  const scriptsDir = path.join(folderPath, 'scripts');
  let entries: Dirent[];
  try {
    entries = await fs.readdir(scriptsDir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => path.relative(folderPath, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort()
    .map((relative) => {
      const lang = scriptLang(relative);
      const id = relative.replace(/^scripts\//, '').replace(/\.[^./]+$/, '');
      return lang ? { id, path: relative, lang } : { id, path: relative };
    });
}

const normalizeRelative = (p: string) => p.replace(/^\.\//, '').split(path.sep).join('/');
