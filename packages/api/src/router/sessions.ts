import type { TRPCRouterRecord } from '@trpc/server';

// Placeholder: procedures of the sessions domain are added here.
export const sessionsRouter = {} satisfies TRPCRouterRecord;
