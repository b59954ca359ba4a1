import { sendInput, sendResultSchema } from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

export const chatRouter = router({
  /** Appends the user message and starts the run that streams the reply; watch it with `runs.onEvents`. */
  send: publicProcedure
    .input(sendInput)
    .output(sendResultSchema)
    .mutation(({ ctx, input }) => ctx.services.chat.send(input)),
});
