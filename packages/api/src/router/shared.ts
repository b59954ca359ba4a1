import type { TRPCRouterRecord } from '@trpc/server';

// Placeholder: procedures of the shared domain are added here.
export const sharedRouter = {} satisfies TRPCRouterRecord;
