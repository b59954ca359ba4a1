import { agentsRouter } from './router/agents.ts';
import { configRouter } from './router/config.ts';
import { systemRouter } from './router/system.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  system: systemRouter,
  agents: agentsRouter,
  config: configRouter,
});

export type AppRouter = typeof appRouter;
