import { z } from 'zod';
import {
  apiTokenRefInput,
  apiTokenSchema,
  createApiTokenInput,
  createdApiTokenSchema,
  deleteResultSchema,
} from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

/** API tokens for `Authorization: Bearer` clients (docs/remote-access.md); only the local user manages them. */
export const tokensRouter = router({
  /** The answer carries the token in clear, once: it is stored hashed and never shown again. */
  create: publicProcedure
    .input(createApiTokenInput)
    .output(createdApiTokenSchema)
    .mutation(({ ctx, input }) => ctx.services.apiTokens.create(input)),

  /** Oldest first, without the tokens. */
  list: publicProcedure.output(z.array(apiTokenSchema)).query(({ ctx }) => ctx.services.apiTokens.list()),

  /** Revokes a token (by id, unique id prefix, or name): the next request presenting it gets 401. */
  delete: publicProcedure
    .input(apiTokenRefInput)
    .output(deleteResultSchema)
    .mutation(({ ctx, input }) => ctx.services.apiTokens.delete(input.id)),
});
