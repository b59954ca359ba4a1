import { lazy } from '@trpc/server';
import { router } from './trpc.ts';

/**
 * One router, mounted on every transport. Each domain is a sub-router in ./router/<domain>.ts, loaded (with the
 * zod schemas its procedures build) on the first call into it, so the daemon serves its pipe without building
 * every schema first. What needs every procedure at once (the REST table, the OpenAPI document, checks over all
 * procedures) awaits loadAllRouters() (./lazy-routers.ts) first.
 */
export const appRouter = router({
  system: lazy(() => import('./router/system.ts').then((m) => m.systemRouter)),
  agents: lazy(() => import('./router/agents.ts').then((m) => m.agentsRouter)),
  config: lazy(() => import('./router/config.ts').then((m) => m.configRouter)),
  skills: lazy(() => import('./router/skills.ts').then((m) => m.skillsRouter)),
  tasks: lazy(() => import('./router/tasks.ts').then((m) => m.tasksRouter)),
  sessions: lazy(() => import('./router/sessions.ts').then((m) => m.sessionsRouter)),
  chat: lazy(() => import('./router/chat.ts').then((m) => m.chatRouter)),
  runs: lazy(() => import('./router/runs.ts').then((m) => m.runsRouter)),
  memory: lazy(() => import('./router/memory.ts').then((m) => m.memoryRouter)),
  models: lazy(() => import('./router/models.ts').then((m) => m.modelsRouter)),
  secrets: lazy(() => import('./router/secrets.ts').then((m) => m.secretsRouter)),
  auth: lazy(() => import('./router/auth.ts').then((m) => m.authRouter)),
  security: lazy(() => import('./router/security.ts').then((m) => m.securityRouter)),
  shared: lazy(() => import('./router/shared.ts').then((m) => m.sharedRouter)),
  terminals: lazy(() => import('./router/terminals.ts').then((m) => m.terminalsRouter)),
  mcp: lazy(() => import('./router/mcp.ts').then((m) => m.mcpRouter)),
  tokens: lazy(() => import('./router/tokens.ts').then((m) => m.tokensRouter)),
  usage: lazy(() => import('./router/usage.ts').then((m) => m.usageRouter)),
  logs: lazy(() => import('./router/logs.ts').then((m) => m.logsRouter)),
});

export type AppRouter = typeof appRouter;
