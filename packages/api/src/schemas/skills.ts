// Id format rules (slug alphabet) are enforced by the daemon so every caller gets the same BAD_REQUEST on `id`.
import { z } from 'zod';
import { idSchema } from './common.ts';

const skillNameSchema = z.string().trim().min(1, 'name is required').max(200);
const stringList = z.array(z.string().trim().min(1));
const scriptSchema = z.strictObject({ id: z.string().min(1), path: z.string().min(1), lang: z.string().optional() });
const referenceSchema = z.strictObject({ id: z.string().min(1), path: z.string().min(1) });
const gatingSchema = z.strictObject({
  bins: stringList.optional(),
  env: stringList.optional(),
  os: stringList.optional(),
});

/** The authored fields besides name and content; `null` clears on update. */
const optionalFields = {
  description: z.string().nullish(),
  tags: stringList.nullish(),
  suggested_tools: stringList.nullish(),
  scripts: z.array(scriptSchema).nullish(),
  references: z.array(referenceSchema).nullish(),
  gating: gatingSchema.nullish(),
  version: z.string().nullish(),
  author: z.string().nullish(),
  license: z.string().nullish(),
};

// The daemon's working directory is not the caller's, so a relative path would point somewhere unexpected.
// (POSIX `/…`, Windows `C:\…` or `\\server\…`; no `node:path`, so the schema loads in a browser.)
const absoluteDirSchema = z
  .string()
  .trim()
  .min(1)
  .refine((dir) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(dir), 'must be an absolute path');

export const createSkillInput = z.strictObject({
  id: z.string().trim().optional(),
  name: skillNameSchema,
  content: z.string().default(''),
  ...optionalFields,
});

export const updateSkillInput = z.strictObject({
  id: idSchema,
  name: skillNameSchema.optional(),
  content: z.string().optional(),
  ...optionalFields,
});

/** Markdown with YAML frontmatter; an existing id has its authored fields replaced. */
export const importSkillInput = z.strictObject({
  id: z.string().trim().optional(),
  markdown: z.string().min(1, 'markdown is required'),
});

export const syncSkillsInput = z.strictObject({ dir: absoluteDirSchema.optional() }).default({});
