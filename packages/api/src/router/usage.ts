import { z } from 'zod';
import {
  budgetSettingsSchema,
  priceEntrySchema,
  setBudgetsInput,
  setPriceInput,
  usageReportInput,
  usageReportSchema,
} from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

/** Tokens and cost of provider calls, the price table that turns one into the other, and the budgets. */
export const usageRouter = router({
  /** Sums of every provider call, grouped `by` agent (default), task, model or UTC day, since a time. */
  report: publicProcedure
    .input(usageReportInput)
    .output(usageReportSchema)
    .query(({ ctx, input }) => ctx.services.usage.report({ by: input?.by, since: input?.since })),

  prices: {
    /** USD per million tokens for every priced model: the catalogue's defaults, then what config sets. */
    list: publicProcedure.output(z.array(priceEntrySchema)).query(({ ctx }) => ctx.services.usage.listPrices()),
    /** Sets one model's price (catalogue id or alias); calls from now on are costed with it. */
    set: publicProcedure
      .input(setPriceInput)
      .output(priceEntrySchema)
      .mutation(({ ctx, input }) => {
        const { model, ...price } = input;
        return ctx.services.usage.setPrice(model, price);
      }),
  },

  budgets: {
    get: publicProcedure.output(budgetSettingsSchema).query(({ ctx }) => ctx.services.usage.getBudgets()),
    /**
     * Replaces every budget (omitted sections are emptied). Agent and task keys may be unique id prefixes; an
     * unknown one is NOT_FOUND. A run stops before its next provider call once a budget is spent.
     */
    set: publicProcedure
      .input(setBudgetsInput)
      .output(budgetSettingsSchema)
      .mutation(({ ctx, input }) => {
        const { global, agents, tasks } = input.budgets;
        const byId = <T>(entries: Record<string, T> | undefined, resolve: (id: string) => string) =>
          Object.fromEntries(Object.entries(entries ?? {}).map(([id, limits]) => [resolve(id), limits]));
        return ctx.services.usage.setBudgets({
          global: global ?? {},
          agents: byId(agents, (id) => ctx.services.agents.resolveId(id)),
          tasks: byId(tasks, (id) => ctx.services.tasks.resolveId(id)),
        });
      }),
  },
});
