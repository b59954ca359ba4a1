import { startSkillRun } from '@restflow/core';
import {
  createSkillInput,
  deleteResultSchema,
  idInput,
  importSkillInput,
  runSkillInput,
  startedRunSchema,
  syncSkillsInput,
  updateSkillInput,
} from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

export const skillsRouter = router({
  /** Most recently updated first. */
  list: publicProcedure.query(({ ctx }) => ctx.services.skills.list()),

  /** `id` may be a unique prefix. */
  get: publicProcedure.input(idInput).query(({ ctx, input }) => ctx.services.skills.get(input.id)),

  create: publicProcedure.input(createSkillInput).mutation(({ ctx, input }) => ctx.services.skills.create(input)),

  update: publicProcedure.input(updateSkillInput).mutation(({ ctx, input }) => {
    const { id, ...patch } = input;
    return ctx.services.skills.update(id, patch);
  }),

  delete: publicProcedure
    .input(idInput)
    .output(deleteResultSchema)
    .mutation(({ ctx, input }) => ctx.services.skills.delete(input.id)),

  /**
   * Runs an agent (`agent_id`, else the default assistant) with the skill added to its skills on `input`; returns
   * at once like `agents.run` (stream with `runs.onEvents`).
   */
  run: publicProcedure
    .input(runSkillInput)
    .output(startedRunSchema)
    .mutation(({ ctx, input }) =>
      startSkillRun(ctx.services, { skill_id: input.id, input: input.input, agent_id: input.agent_id }),
    ),

  /** Markdown with YAML frontmatter; an existing id has its authored fields replaced. */
  import: publicProcedure
    .input(importSkillInput)
    .mutation(({ ctx, input }) => ctx.services.skills.importMarkdown(input.markdown, input.id)),

  /** → `{id, filename: "{id}.md", markdown}` */
  export: publicProcedure.input(idInput).query(({ ctx, input }) => ctx.services.skills.exportMarkdown(input.id)),

  /** Scans `<dir>/*\/SKILL.md` (default: the data dir's `skills/`) → `{scanned, created, updated, skipped, errors}`. */
  sync: publicProcedure.input(syncSkillsInput).mutation(({ ctx, input }) => ctx.services.skills.syncFolder(input.dir)),
});
