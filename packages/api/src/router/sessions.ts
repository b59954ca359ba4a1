import type { TRPCRouterRecord } from '@trpc/server';
import {
  clearResultSchema,
  clearSessionsInput,
  createMessageInput,
  createSessionInput,
  deleteResultSchema,
  idInput,
  listMessagesInput,
  listSessionsInput,
  messagesPageInput,
  messagesPageSchema,
  searchSessionsInput,
  searchSessionsPageInput,
  searchSessionsPageSchema,
  sessionsPageInput,
  sessionsPageSchema,
  updateSessionInput,
} from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

/** The messages of one chat session. */
const messagesRouter = {
  /** The last `limit` messages (all when absent), oldest first. */
  list: publicProcedure
    .input(listMessagesInput)
    .query(({ ctx, input }) => ctx.services.sessions.messages(input.session_id, input.limit)),

  /** One page of a session's messages: the last ones first, each page oldest first (pages.ts). */
  page: publicProcedure
    .input(messagesPageInput)
    .output(messagesPageSchema)
    .query(({ ctx, input }) => {
      const { session_id, ...page } = input;
      return ctx.services.sessions.messagesPage(session_id, page);
    }),

  /** Appends one message and returns the updated session (assistant messages default to an empty execution). */
  create: publicProcedure.input(createMessageInput).mutation(({ ctx, input }) => {
    const { session_id, ...message } = input;
    return ctx.services.sessions.addMessage(session_id, message);
  }),
} satisfies TRPCRouterRecord;

export const sessionsRouter = router({
  /** Summaries, most recently updated first; optionally of one agent and/or skill. */
  list: publicProcedure
    .input(listSessionsInput)
    .query(({ ctx, input }) => ctx.services.sessions.list({ agent_id: input?.agent_id, skill_id: input?.skill_id })),

  /** One page of the summaries, in list order; `next_cursor` leads to the next (pages.ts). */
  page: publicProcedure
    .input(sessionsPageInput)
    .output(sessionsPageSchema)
    .query(({ ctx, input }) => ctx.services.sessions.listPage(input)),

  /** The full session with its messages; `id` may be a unique prefix. */
  get: publicProcedure.input(idInput).query(({ ctx, input }) => ctx.services.sessions.get(input.id)),

  summary: publicProcedure.input(idInput).query(({ ctx, input }) => ctx.services.sessions.summary(input.id)),

  create: publicProcedure.input(createSessionInput).mutation(({ ctx, input }) => ctx.services.sessions.create(input)),

  /** Only the given fields change (rename = `update({ id, name })`). */
  update: publicProcedure.input(updateSessionInput).mutation(({ ctx, input }) => {
    const { id, ...patch } = input;
    return ctx.services.sessions.update(id, patch);
  }),

  /** Messages go with the session. */
  delete: publicProcedure
    .input(idInput)
    .output(deleteResultSchema)
    .mutation(({ ctx, input }) => ctx.services.sessions.delete(input.id)),

  /** Deletes sessions last updated before `older_than_ms` (epoch ms). */
  clear: publicProcedure
    .input(clearSessionsInput)
    .output(clearResultSchema)
    .mutation(({ ctx, input }) => ({ deleted_count: ctx.services.sessions.deleteOlderThan(input.older_than_ms) })),

  /**
   * Name or any message contains `query` (case-insensitive) → summaries + match_count + match_preview, most
   * recently updated first; `limit` keeps the first ones (and is what keeps a search of a long history fast).
   */
  search: publicProcedure
    .input(searchSessionsInput)
    .query(({ ctx, input }) =>
      ctx.services.sessions.searchOffThread(input.query, { agent_id: input.agent_id, limit: input.limit }),
    ),

  /** One page of `search`'s hits, in the same order; `next_cursor` leads to the next (pages.ts). */
  searchPage: publicProcedure
    .input(searchSessionsPageInput)
    .output(searchSessionsPageSchema)
    .query(({ ctx, input }) => {
      const { query, ...page } = input;
      return ctx.services.sessions.searchPageOffThread(query, page);
    }),

  count: publicProcedure.query(({ ctx }) => ctx.services.sessions.count()),

  messages: messagesRouter,
});
