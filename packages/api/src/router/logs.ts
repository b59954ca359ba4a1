import { tracked } from '@trpc/server';
import { logFollowInput, logListInput, logListSchema } from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

/** The daemon's unified log: every component's JSON lines, already redacted (docs/lifecycle.md#logs). */
export const logsRouter = router({
  /** The newest lines matching the filters (all optional), oldest first; read from the log files. */
  list: publicProcedure
    .input(logListInput)
    .output(logListSchema)
    .query(({ ctx, input }) => {
      const { limit, ...filter } = input ?? {};
      return { lines: ctx.services.logs.list(filter, limit ?? 200) };
    }),
  /**
   * Lines as they are written, matching the filters. Resumes after `lastEventId` from the lines the daemon still
   * holds in memory; without one, starts with the next line.
   */
  onLine: publicProcedure.input(logFollowInput).subscription(async function* ({ ctx, input, signal }) {
    const { lastEventId, ...filter } = input ?? {};
    for await (const line of ctx.services.logs.follow(filter, lastEventId, signal))
      yield tracked(String(line.seq), line);
  }),
});
