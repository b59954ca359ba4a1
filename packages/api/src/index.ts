import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './root.ts';

export * from './context.ts';
export { domainErrorCode, toTRPCError } from './errors.ts';
export { loadAllRouters, loadRouterOf } from './lazy-routers.ts';
export { type AppRouter, appRouter } from './root.ts';
export { createCallerFactory } from './trpc.ts';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
