import { agentsRouter } from './router/agents.ts';
import { authRouter } from './router/auth.ts';
import { chatRouter } from './router/chat.ts';
import { configRouter } from './router/config.ts';
import { logsRouter } from './router/logs.ts';
import { mcpRouter } from './router/mcp.ts';
import { memoryRouter } from './router/memory.ts';
import { modelsRouter } from './router/models.ts';
import { runsRouter } from './router/runs.ts';
import { secretsRouter } from './router/secrets.ts';
import { securityRouter } from './router/security.ts';
import { sessionsRouter } from './router/sessions.ts';
import { sharedRouter } from './router/shared.ts';
import { skillsRouter } from './router/skills.ts';
import { systemRouter } from './router/system.ts';
import { tasksRouter } from './router/tasks.ts';
import { terminalsRouter } from './router/terminals.ts';
import { tokensRouter } from './router/tokens.ts';
import { usageRouter } from './router/usage.ts';
import { router } from './trpc.ts';

/** One router, mounted on every transport. Each domain is a sub-router in ./router/<domain>.ts. */
export const appRouter = router({
  system: systemRouter,
  agents: agentsRouter,
  config: configRouter,
  skills: skillsRouter,
  tasks: tasksRouter,
  sessions: sessionsRouter,
  chat: chatRouter,
  runs: runsRouter,
  memory: memoryRouter,
  models: modelsRouter,
  secrets: secretsRouter,
  auth: authRouter,
  security: securityRouter,
  shared: sharedRouter,
  terminals: terminalsRouter,
  mcp: mcpRouter,
  tokens: tokensRouter,
  usage: usageRouter,
  logs: logsRouter,
});

export type AppRouter = typeof appRouter;
