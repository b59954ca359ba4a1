import type { TRPCRouterRecord } from '@trpc/server';
import { sendInput, sendResultSchema } from '../schemas/index.ts';
import { publicProcedure } from '../trpc.ts';

export const chatRouter = {
  /** Appends the user message and starts the run that streams the reply; watch it with `runs.onEvents`. */
  send: publicProcedure
    .input(sendInput)
    .output(sendResultSchema)
    .mutation(({ ctx, input }) => ctx.services.chat.send(input)),
} satisfies TRPCRouterRecord;
