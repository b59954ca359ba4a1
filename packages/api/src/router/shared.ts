import { deleteResultSchema, listSharedInput, setSharedInput, sharedKeyInput } from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

export const sharedRouter = router({
  /**
   * Creates or replaces `namespace:name`. Public entries anyone may change; shared and private ones only their
   * owner (UNAUTHORIZED otherwise). Options not given keep their values on update.
   */
  set: publicProcedure.input(setSharedInput).mutation(({ ctx, input }) => {
    const { key, value, accessor, ...options } = input;
    return ctx.services.shared.set(key, value, options, accessor);
  }),

  /** NOT_FOUND also for someone else's private entry. */
  get: publicProcedure
    .input(sharedKeyInput)
    .query(({ ctx, input }) => ctx.services.shared.get(input.key, input.accessor)),

  /** `id` in the result is the entry's key. */
  delete: publicProcedure
    .input(sharedKeyInput)
    .output(deleteResultSchema)
    .mutation(({ ctx, input }) => ctx.services.shared.delete(input.key, input.accessor)),

  /** Entries the accessor may read, by key; `namespace` limits to `namespace:…`. */
  list: publicProcedure
    .input(listSharedInput)
    .query(({ ctx, input }) => ctx.services.shared.list(input?.namespace, input?.accessor)),

  keys: publicProcedure
    .input(listSharedInput)
    .query(({ ctx, input }) => ctx.services.shared.listKeys(input?.namespace, input?.accessor)),
});
