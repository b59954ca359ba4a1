import type { TRPCRouterRecord } from '@trpc/server';

// Placeholder: procedures of the tasks domain are added here.
export const tasksRouter = {} satisfies TRPCRouterRecord;
