import type { TRPCRouterRecord } from '@trpc/server';

// Placeholder: procedures of the chat domain are added here.
export const chatRouter = {} satisfies TRPCRouterRecord;
