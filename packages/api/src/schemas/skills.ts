// Id format rules (slug alphabet) are enforced by the daemon so every caller gets the same BAD_REQUEST on `id`.
import { z } from 'zod';
import { idSchema } from './common.ts';
import { text } from './limits.ts';

const skillNameSchema = text('name').trim().min(1, 'name is required');
const stringList = z.array(text('name').trim().min(1));
const scriptSchema = z.strictObject({
  id: text('id').min(1),
  path: text('path').min(1),
  lang: text('token').optional(),
});
const referenceSchema = z.strictObject({ id: text('id').min(1), path: text('path').min(1) });
const gatingSchema = z.strictObject({
  bins: stringList.optional(),
  env: stringList.optional(),
  os: stringList.optional(),
});

/** The authored fields besides name and content; `null` clears on update. */
const optionalFields = {
  description: text('description').nullish(),
  tags: stringList.nullish(),
  suggested_tools: stringList.nullish(),
  scripts: z.array(scriptSchema).nullish(),
  references: z.array(referenceSchema).nullish(),
  gating: gatingSchema.nullish(),
  version: text('token').nullish(),
  author: text('name').nullish(),
  license: text('token').nullish(),
};

// The daemon's working directory is not the caller's, so a relative path would point somewhere unexpected.
// (POSIX `/…`, Windows `C:\…` or `\\server\…`; no `node:path`, so the schema loads in a browser.)
const absoluteDirSchema = text('path')
  .trim()
  .min(1)
  .refine((dir) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(dir), 'must be an absolute path');

export const createSkillInput = z.strictObject({
  id: text('id').trim().optional(),
  name: skillNameSchema,
  content: text('document').default(''),
  ...optionalFields,
});

export const updateSkillInput = z.strictObject({
  id: idSchema,
  name: skillNameSchema.optional(),
  content: text('document').optional(),
  ...optionalFields,
});

/** Markdown with YAML frontmatter; an existing id has its authored fields replaced. */
export const importSkillInput = z.strictObject({
  id: text('id').trim().optional(),
  markdown: text('document').min(1, 'markdown is required'),
});

export const syncSkillsInput = z.strictObject({ dir: absoluteDirSchema.optional() }).default({});
