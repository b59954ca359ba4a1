import path from 'node:path';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure } from '../trpc.ts';
import { idSchema } from './schemas.ts';

// Id format rules (slug alphabet) are enforced in core so every caller gets the same BAD_REQUEST on `id`.
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
const absoluteDirSchema = z
  .string()
  .trim()
  .min(1)
  .refine((dir) => path.isAbsolute(dir), 'must be an absolute path');

const createSkillInput = z.strictObject({
  id: z.string().trim().optional(),
  name: skillNameSchema,
  content: z.string().default(''),
  ...optionalFields,
});

const updateSkillInput = z.strictObject({
  id: idSchema,
  name: skillNameSchema.optional(),
  content: z.string().optional(),
  ...optionalFields,
});

export const skillsRouter = {
  /** Most recently updated first. */
  list: publicProcedure.query(({ ctx }) => ctx.services.skills.list()),

  /** `id` may be a unique prefix. */
  get: publicProcedure
    .input(z.strictObject({ id: idSchema }))
    .query(({ ctx, input }) => ctx.services.skills.get(input.id)),

  create: publicProcedure.input(createSkillInput).mutation(({ ctx, input }) => ctx.services.skills.create(input)),

  update: publicProcedure.input(updateSkillInput).mutation(({ ctx, input }) => {
    const { id, ...patch } = input;
    return ctx.services.skills.update(id, patch);
  }),

  delete: publicProcedure
    .input(z.strictObject({ id: idSchema }))
    .mutation(({ ctx, input }) => ctx.services.skills.delete(input.id)),

  /** Markdown with YAML frontmatter; an existing id has its authored fields replaced. */
  import: publicProcedure
    .input(z.strictObject({ id: z.string().trim().optional(), markdown: z.string().min(1, 'markdown is required') }))
    .mutation(({ ctx, input }) => ctx.services.skills.importMarkdown(input.markdown, input.id)),

  /** → `{id, filename: "{id}.md", markdown}` */
  export: publicProcedure
    .input(z.strictObject({ id: idSchema }))
    .query(({ ctx, input }) => ctx.services.skills.exportMarkdown(input.id)),

  /** Scans `<dir>/*\/SKILL.md` (default: the data dir's `skills/`) → `{scanned, created, updated, skipped, errors}`. */
  sync: publicProcedure
    .input(z.strictObject({ dir: absoluteDirSchema.optional() }).default({}))
    .mutation(({ ctx, input }) => ctx.services.skills.syncFolder(input.dir)),
} satisfies TRPCRouterRecord;
