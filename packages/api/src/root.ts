import { lazy } from '@trpc/server';
import { router } from './trpc.ts';

// One sub-router loads at a time, so its modules are linked once, whatever the concurrent first calls: jest's ESM
// loader (the test suites run the router in process) fails to link a module that two concurrent imports share.
let loading: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(load: () => Promise<T>): () => Promise<T> {
  return () => {
    const next = loading.then(load, load);
    loading = next.catch(() => undefined);
    return next;
  };
}

/**
 * One router, mounted on every transport. Each domain is a sub-router in ./router/<domain>.ts, loaded (with the
 * zod schemas its procedures build) on the first call into it, so the daemon serves its pipe without building
 * every schema first. What needs every procedure at once (the REST table, the OpenAPI document, checks over all
 * procedures) awaits loadAllRouters() (./lazy-routers.ts) first.
 */
export const appRouter = router({
  system: lazy(oneAtATime(() => import('./router/system.ts').then((m) => m.systemRouter))),
  agents: lazy(oneAtATime(() => import('./router/agents.ts').then((m) => m.agentsRouter))),
  config: lazy(oneAtATime(() => import('./router/config.ts').then((m) => m.configRouter))),
  skills: lazy(oneAtATime(() => import('./router/skills.ts').then((m) => m.skillsRouter))),
  tasks: lazy(oneAtATime(() => import('./router/tasks.ts').then((m) => m.tasksRouter))),
  sessions: lazy(oneAtATime(() => import('./router/sessions.ts').then((m) => m.sessionsRouter))),
  chat: lazy(oneAtATime(() => import('./router/chat.ts').then((m) => m.chatRouter))),
  runs: lazy(oneAtATime(() => import('./router/runs.ts').then((m) => m.runsRouter))),
  memory: lazy(oneAtATime(() => import('./router/memory.ts').then((m) => m.memoryRouter))),
  models: lazy(oneAtATime(() => import('./router/models.ts').then((m) => m.modelsRouter))),
  secrets: lazy(oneAtATime(() => import('./router/secrets.ts').then((m) => m.secretsRouter))),
  auth: lazy(oneAtATime(() => import('./router/auth.ts').then((m) => m.authRouter))),
  security: lazy(oneAtATime(() => import('./router/security.ts').then((m) => m.securityRouter))),
  shared: lazy(oneAtATime(() => import('./router/shared.ts').then((m) => m.sharedRouter))),
  terminals: lazy(oneAtATime(() => import('./router/terminals.ts').then((m) => m.terminalsRouter))),
  mcp: lazy(oneAtATime(() => import('./router/mcp.ts').then((m) => m.mcpRouter))),
  tokens: lazy(oneAtATime(() => import('./router/tokens.ts').then((m) => m.tokensRouter))),
  usage: lazy(oneAtATime(() => import('./router/usage.ts').then((m) => m.usageRouter))),
  logs: lazy(oneAtATime(() => import('./router/logs.ts').then((m) => m.logsRouter))),
  workers: lazy(oneAtATime(() => import('./router/workers.ts').then((m) => m.workersRouter))),
});

export type AppRouter = typeof appRouter;
