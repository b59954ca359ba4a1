import type { TRPCRouterRecord } from '@trpc/server';
import {
  chunksPageInput,
  chunksPageSchema,
  clearMemoryInput,
  clearResultSchema,
  createChunkInput,
  createMemorySessionInput,
  deleteMemorySessionInput,
  deleteResultSchema,
  exportMemoryInput,
  idInput,
  importChunksInput,
  listChunksInput,
  memorySearchInput,
  optionalAgentInput,
  rankedSearchInput,
  unifiedSearchInput,
  updateMemorySessionInput,
} from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

/** Named groups of an agent's chunks. */
const memorySessionsRouter = {
  /** Most recently updated first. */
  list: publicProcedure
    .input(optionalAgentInput)
    .query(({ ctx, input }) => ctx.services.memory.listSessions(input?.agent_id)),

  get: publicProcedure.input(idInput).query(({ ctx, input }) => ctx.services.memory.getSession(input.id)),

  create: publicProcedure
    .input(createMemorySessionInput)
    .mutation(({ ctx, input }) => ctx.services.memory.createSession(input)),

  update: publicProcedure.input(updateMemorySessionInput).mutation(({ ctx, input }) => {
    const { id, ...patch } = input;
    return ctx.services.memory.updateSession(id, patch);
  }),

  /** Without `delete_chunks` the session's chunks are kept, detached from it. */
  delete: publicProcedure
    .input(deleteMemorySessionInput)
    .output(deleteResultSchema)
    .mutation(({ ctx, input }) => ctx.services.memory.deleteSession(input.id, input.delete_chunks)),
} satisfies TRPCRouterRecord;

export const memoryRouter = router({
  /** MemorySearchResult: keyword (FTS index), phrase or regex, newest first. */
  search: publicProcedure
    .input(memorySearchInput)
    .query(({ ctx, input }) => ctx.services.memory.searchOffThread(input)),

  /** RankedSearchResult: every match scored by frequency, recency and tags. */
  searchRanked: publicProcedure.input(rankedSearchInput).query(({ ctx, input }) =>
    ctx.services.memory.searchRankedOffThread(input.query, {
      min_score: input.min_score,
      scoring_preset: input.scoring_preset,
    }),
  ),

  /** UnifiedSearchResults: memory chunks and the agent's chat messages in one ranked list. */
  searchUnified: publicProcedure
    .input(unifiedSearchInput)
    .query(({ ctx, input }) => ctx.services.memory.searchUnifiedOffThread(input)),

  /** Chunks by agent and/or tag (at least one), newest first. */
  list: publicProcedure.input(listChunksInput).query(({ ctx, input }) => ctx.services.memory.listChunks(input)),

  /** One page of chunks, newest first, with the list's filters; `next_cursor` leads to the next (pages.ts). */
  page: publicProcedure
    .input(chunksPageInput)
    .output(chunksPageSchema)
    .query(({ ctx, input }) => ctx.services.memory.listChunksPage(input)),

  /** `id` may be a unique prefix, with or without `chunk-`. */
  get: publicProcedure.input(idInput).query(({ ctx, input }) => ctx.services.memory.get(input.id)),

  /** The stored chunk; content stored before (by any agent) returns the existing chunk. */
  create: publicProcedure.input(createChunkInput).mutation(({ ctx, input }) => ctx.services.memory.storeChunk(input)),

  /** `{imported, chunk_ids}`: new chunks counted, one id per input chunk (existing ones for duplicates). */
  import: publicProcedure
    .input(importChunksInput)
    .mutation(({ ctx, input }) => ctx.services.memory.import(input.agent_id, input.chunks)),

  delete: publicProcedure
    .input(idInput)
    .output(deleteResultSchema)
    .mutation(({ ctx, input }) => ctx.services.memory.delete(input.id)),

  /** Deletes every chunk of the agent (its memory sessions stay, emptied). */
  clear: publicProcedure
    .input(clearMemoryInput)
    .output(clearResultSchema)
    .mutation(({ ctx, input }) => ({ deleted_count: ctx.services.memory.deleteForAgent(input.agent_id) })),

  stats: publicProcedure
    .input(optionalAgentInput)
    .query(({ ctx, input }) => ctx.services.memory.stats(input?.agent_id)),

  /** ExportResult (markdown); one memory session when `session_id` is given. */
  export: publicProcedure.input(exportMemoryInput).query(({ ctx, input }) => {
    const { agent_id, session_id, preset, ...options } = input;
    return ctx.services.memory.export({ agent_id, session_id, preset, options });
  }),

  sessions: memorySessionsRouter,
});
