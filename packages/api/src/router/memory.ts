import { EXPORT_PRESET_NAMES, MEMORY_SOURCE_TYPES, SCORING_PRESET_NAMES, SEARCH_MODES } from '@restflow/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure } from '../trpc.ts';
import { idSchema } from './schemas.ts';

// Wire shapes of the memory routes (docs/entities.md#memory). Agent ids accept a unique prefix; where the agent is
// optional it defaults to the first agent created.

const agentIdSchema = z.string().trim().min(1, 'agent_id must not be empty').max(200);
const tagsSchema = z.array(z.string().trim().min(1, 'tags must not be empty').max(100)).max(50);
const timeSchema = z.number().int().nonnegative();
const contentSchema = z
  .string()
  .max(200_000, 'content is limited to 200000 characters')
  .refine((text) => text.trim().length > 0, 'content must not be empty');

const memorySourceSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('task_execution'), task_id: z.string().min(1) }),
  z.strictObject({ type: z.literal('conversation'), session_id: z.string().min(1) }),
  z.strictObject({ type: z.literal('manual_note') }),
  z.strictObject({ type: z.literal('agent_generated'), tool_name: z.string().min(1) }),
]);

const searchQueryShape = {
  agent_id: agentIdSchema.optional(),
  query: z.string().max(2000).nullish(),
  search_mode: z.enum(SEARCH_MODES).default('keyword'),
  session_id: z.string().min(1).nullish(),
  tags: tagsSchema.default([]),
  source_type: z.enum(MEMORY_SOURCE_TYPES).nullish(),
  from_time: timeSchema.nullish(),
  to_time: timeSchema.nullish(),
  limit: z.number().int().min(1).max(1000).default(50),
  offset: z.number().int().min(0).default(0),
};
const searchQuerySchema = z.strictObject(searchQueryShape);

const unifiedQuerySchema = z.strictObject({
  ...searchQueryShape,
  include_sessions: z.boolean().default(true),
  session_ids: z.array(idSchema).default([]),
  session_agent_id: agentIdSchema.nullish(),
});

const importChunkSchema = z.strictObject({
  content: contentSchema,
  session_id: z.string().min(1).nullish(),
  tags: tagsSchema.default([]),
  source: memorySourceSchema.optional(),
  token_count: z.number().int().nonnegative().nullish(),
  created_at: timeSchema.optional(),
});

const exportInputSchema = z.strictObject({
  agent_id: agentIdSchema.optional(),
  session_id: idSchema.optional(),
  preset: z.enum(EXPORT_PRESET_NAMES).optional(),
  include_metadata: z.boolean().optional(),
  include_timestamps: z.boolean().optional(),
  include_source: z.boolean().optional(),
  include_tags: z.boolean().optional(),
  include_session_headers: z.boolean().optional(),
  date_format: z.string().min(1).max(100).optional(),
  chunk_separator: z.string().max(100).optional(),
});

const optionalAgent = z.strictObject({ agent_id: agentIdSchema.optional() }).optional();

export const memoryRouter = {
  /** MemorySearchResult: keyword (FTS index), phrase or regex, newest first. */
  search: publicProcedure.input(searchQuerySchema).query(({ ctx, input }) => ctx.services.memory.search(input)),

  /** RankedSearchResult: every match scored by frequency, recency and tags. */
  searchRanked: publicProcedure
    .input(
      z.strictObject({
        query: searchQuerySchema,
        min_score: z.number().min(0).optional(),
        scoring_preset: z.enum(SCORING_PRESET_NAMES).optional(),
      }),
    )
    .query(({ ctx, input }) =>
      ctx.services.memory.searchRanked(input.query, {
        min_score: input.min_score,
        scoring_preset: input.scoring_preset,
      }),
    ),

  /** UnifiedSearchResults: memory chunks and the agent's chat messages in one ranked list. */
  searchUnified: publicProcedure
    .input(unifiedQuerySchema)
    .query(({ ctx, input }) => ctx.services.memory.searchUnified(input)),

  /** Chunks by agent and/or tag (at least one), newest first. */
  list: publicProcedure
    .input(
      z.strictObject({
        agent_id: agentIdSchema.optional(),
        tag: z.string().trim().min(1).optional(),
        session_id: z.string().min(1).optional(),
        limit: z.number().int().min(1).max(10_000).optional(),
        offset: z.number().int().min(0).optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.services.memory.listChunks(input)),

  /** `id` may be a unique prefix, with or without `chunk-`. */
  get: publicProcedure
    .input(z.strictObject({ id: idSchema }))
    .query(({ ctx, input }) => ctx.services.memory.get(input.id)),

  /** The stored chunk; content stored before (by any agent) returns the existing chunk. */
  add: publicProcedure
    .input(
      z.strictObject({
        agent_id: agentIdSchema.optional(),
        content: contentSchema,
        session_id: z.string().min(1).nullish(),
        tags: tagsSchema.default([]),
        source: memorySourceSchema.optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.memory.storeChunk(input)),

  /** `{imported, chunk_ids}`: new chunks counted, one id per input chunk (existing ones for duplicates). */
  import: publicProcedure
    .input(
      z.strictObject({
        agent_id: agentIdSchema.optional(),
        chunks: z.array(importChunkSchema).min(1, 'chunks must not be empty').max(10_000),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.memory.import(input.agent_id, input.chunks)),

  delete: publicProcedure
    .input(z.strictObject({ id: idSchema }))
    .mutation(({ ctx, input }) => ({ deleted: ctx.services.memory.delete(input.id) })),

  /** Deletes every chunk of the agent. */
  clear: publicProcedure
    .input(z.strictObject({ agent_id: agentIdSchema }))
    .mutation(({ ctx, input }) => ({ deleted: ctx.services.memory.deleteForAgent(input.agent_id) })),

  stats: publicProcedure.input(optionalAgent).query(({ ctx, input }) => ctx.services.memory.stats(input?.agent_id)),

  /** ExportResult (markdown); one memory session when `session_id` is given. */
  export: publicProcedure.input(exportInputSchema).query(({ ctx, input }) => {
    const { agent_id, session_id, preset, ...options } = input;
    return ctx.services.memory.export({ agent_id, session_id, preset, options });
  }),

  createSession: publicProcedure
    .input(
      z.strictObject({
        agent_id: agentIdSchema.optional(),
        name: z.string().trim().min(1, 'name is required').max(200),
        description: z.string().max(2000).nullish(),
        tags: tagsSchema.default([]),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.memory.createSession(input)),

  /** Most recently updated first. */
  listSessions: publicProcedure
    .input(optionalAgent)
    .query(({ ctx, input }) => ctx.services.memory.listSessions(input?.agent_id)),

  getSession: publicProcedure
    .input(z.strictObject({ id: idSchema }))
    .query(({ ctx, input }) => ctx.services.memory.getSession(input.id)),

  updateSession: publicProcedure
    .input(
      z.strictObject({
        id: idSchema,
        name: z.string().trim().min(1, 'name must not be empty').max(200).optional(),
        description: z.string().max(2000).nullish(),
        tags: tagsSchema.optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { id, ...patch } = input;
      return ctx.services.memory.updateSession(id, patch);
    }),

  /** Without `delete_chunks` the session's chunks are kept, detached from it. */
  deleteSession: publicProcedure
    .input(z.strictObject({ id: idSchema, delete_chunks: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => ctx.services.memory.deleteSession(input.id, input.delete_chunks)),
} satisfies TRPCRouterRecord;
