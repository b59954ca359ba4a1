// The markdown form of a skill (docs/entities.md#skills): a YAML frontmatter block, one blank line, the body.
import { createRequire } from 'node:module';
import { InvalidInputError } from '../errors.ts';
import { onFirstUse } from '../zod-on-first-use.ts';
import { FRONTMATTER_KEYS, type SkillFields } from './skill-model.ts';

// The YAML library is loaded by the first skill read or written as markdown, not with the daemon.
let yamlModule: typeof import('yaml') | undefined;
const yamlLib = (): typeof import('yaml') =>
  (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

// Sticky + multiline: the block must open at offset 0 and close on a line of its own.
const FRONTMATTER = /^---[ \t]*\r?\n([\s\S]*?)^---[ \t]*(?:\r?\n|$)/my;

const frontmatterSchema = onFirstUse((z) => {
  // YAML reads `- 2024` or `- yes`-like items as non-strings; authors mean the text they typed.
  const text = z.union([z.string(), z.number(), z.boolean()]).transform(String);
  const textList = z.array(text);
  return z.object({
    name: text.pipe(z.string().trim().min(1, 'must not be empty')),
    description: z.string().nullish(),
    tags: textList.nullish(),
    suggested_tools: textList.nullish(),
    scripts: z.array(z.object({ id: text, path: z.string().min(1), lang: z.string().optional() })).nullish(),
    references: z.array(z.object({ id: text, path: z.string().min(1) })).nullish(),
    gating: z.object({ bins: textList.optional(), env: textList.optional(), os: textList.optional() }).nullish(),
    version: text.nullish(),
    author: z.string().nullish(),
    license: z.string().nullish(),
  });
});

export interface ParseOptions {
  /** The input field named in errors. */
  field?: string;
  /** When set (folder sync), a file without frontmatter or without `name` is accepted under this name. */
  fallbackName?: string;
}

/** Parses skill markdown; import requires the leading `---` block (unless a fallback name is given). */
export function parseSkillMarkdown(markdown: string, options: ParseOptions = {}): SkillFields {
  const field = options.field ?? 'markdown';
  const source = markdown.replace(/^\uFEFF/, '');
  FRONTMATTER.lastIndex = 0;
  const match = FRONTMATTER.exec(source);
  if (!match) {
    if (options.fallbackName !== undefined) return { name: options.fallbackName, content: source };
    throw InvalidInputError.field(field, 'must start with a YAML frontmatter block opened and closed by "---" lines');
  }
  const raw = readYaml(match[1] ?? '', field);
  if (options.fallbackName !== undefined && (raw.name === undefined || raw.name === null)) {
    raw.name = options.fallbackName;
  }
  const parsed = frontmatterSchema().safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.map(String).join('.') || '(frontmatter)';
    throw InvalidInputError.field(field, `frontmatter ${key}: ${issue?.message ?? 'invalid'}`);
  }
  // The blank line after the closing `---` separates; it is not part of the body.
  const content = source.slice(match[0].length).replace(/^\r?\n/, '');
  return { ...parsed.data, content };
}

function readYaml(yaml: string, field: string): Record<string, unknown> {
  const doc = yamlLib().parseDocument(yaml);
  if (doc.errors.length > 0) {
    throw InvalidInputError.field(field, `invalid YAML frontmatter: ${doc.errors[0]?.message.split('\n')[0]}`);
  }
  const value: unknown = doc.toJS() ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw InvalidInputError.field(field, 'frontmatter must be a YAML mapping of keys to values');
  }
  const data = value as Record<string, unknown>;
  // `version: 1.10` would read as the number 1.1; keep what the author wrote.
  const version = doc.get('version', true);
  if (yamlLib().isScalar(version) && typeof version.value === 'number' && typeof version.source === 'string') {
    data.version = version.source;
  }
  return data;
}

/** Inverse of parseSkillMarkdown: unset fields are left out of the frontmatter, the body follows verbatim. */
export function skillToMarkdown(skill: SkillFields): string {
  const frontmatter: Record<string, unknown> = {};
  for (const key of FRONTMATTER_KEYS) {
    const value = skill[key];
    if (value !== undefined && value !== null) frontmatter[key] = value;
  }
  return `---\n${yamlLib().stringify(frontmatter, { lineWidth: 0 })}---\n\n${skill.content}`;
}
