import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure } from '../trpc.ts';
import { idSchema } from './schemas.ts';

// Session model names ("default" or a catalogue id/alias) are checked in core, so the engine gets the same rule.
const sessionNameSchema = z.string().trim().min(1, 'name is required').max(200);
const sessionIdInput = z.strictObject({ id: idSchema });

const executionSchema = z.strictObject({
  steps: z.array(
    z.strictObject({
      step_type: z.string(),
      name: z.string(),
      status: z.string(),
      duration_ms: z.number().int().nonnegative().optional(),
    }),
  ),
  duration_ms: z.number().int().nonnegative(),
  tokens_used: z.number().int().nonnegative(),
  status: z.enum(['running', 'completed', 'failed', 'cancelled']),
  model: z.string().min(1).optional(),
  error: z.string().optional(),
});

export const sessionsRouter = {
  /** Summaries, most recently updated first. */
  list: publicProcedure.query(({ ctx }) => ctx.services.sessions.list()),

  /** The full session with its messages; `id` may be a unique prefix. */
  get: publicProcedure.input(sessionIdInput).query(({ ctx, input }) => ctx.services.sessions.get(input.id)),

  summary: publicProcedure.input(sessionIdInput).query(({ ctx, input }) => ctx.services.sessions.summary(input.id)),

  /** agent_id defaults to the first agent; model to the agent's model, else "default". */
  create: publicProcedure
    .input(
      z
        .strictObject({
          agent_id: idSchema.optional(),
          model: z.string().trim().min(1).optional(),
          name: sessionNameSchema.optional(),
          skill_id: idSchema.optional(),
        })
        .default({}),
    )
    .mutation(({ ctx, input }) => ctx.services.sessions.create(input)),

  update: publicProcedure
    .input(
      z.strictObject({
        id: idSchema,
        name: sessionNameSchema.optional(),
        agent_id: idSchema.optional(),
        model: z.string().trim().min(1).optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { id, ...patch } = input;
      return ctx.services.sessions.update(id, patch);
    }),

  rename: publicProcedure
    .input(z.strictObject({ id: idSchema, name: sessionNameSchema }))
    .mutation(({ ctx, input }) => ctx.services.sessions.rename(input.id, input.name)),

  /** → `{deleted: true, id}`; messages go with the session. */
  delete: publicProcedure.input(sessionIdInput).mutation(({ ctx, input }) => ctx.services.sessions.delete(input.id)),

  /** Appends one message and returns the updated session (assistant messages default to an empty execution). */
  addMessage: publicProcedure
    .input(
      z.strictObject({
        session_id: idSchema,
        role: z.enum(['user', 'assistant', 'system']),
        content: z.string(),
        execution: executionSchema.optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { session_id, ...message } = input;
      return ctx.services.sessions.addMessage(session_id, message);
    }),

  /** The last `limit` messages (all when absent), oldest first. */
  messages: publicProcedure
    .input(z.strictObject({ session_id: idSchema, limit: z.number().int().positive().max(10_000).optional() }))
    .query(({ ctx, input }) => ctx.services.sessions.messages(input.session_id, input.limit)),

  /** Name or any message contains `query` (case-insensitive) → summaries + match_count + match_preview. */
  search: publicProcedure
    .input(z.strictObject({ query: z.string().trim().min(1, 'query is required'), agent_id: idSchema.optional() }))
    .query(({ ctx, input }) => ctx.services.sessions.search(input.query, { agent_id: input.agent_id })),

  listByAgent: publicProcedure
    .input(z.strictObject({ agent_id: idSchema }))
    .query(({ ctx, input }) => ctx.services.sessions.listByAgent(input.agent_id)),

  listBySkill: publicProcedure
    .input(z.strictObject({ skill_id: idSchema }))
    .query(({ ctx, input }) => ctx.services.sessions.listBySkill(input.skill_id)),

  count: publicProcedure.query(({ ctx }) => ctx.services.sessions.count()),

  /** Deletes sessions last updated before `older_than_ms` (epoch ms) → `{deleted: n}`. */
  deleteOlderThan: publicProcedure
    .input(z.strictObject({ older_than_ms: z.number().int().nonnegative() }))
    .mutation(({ ctx, input }) => ({ deleted: ctx.services.sessions.deleteOlderThan(input.older_than_ms) })),
} satisfies TRPCRouterRecord;
