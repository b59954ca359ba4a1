import type { TRPCRouterRecord } from '@trpc/server';

// Placeholder: procedures of the terminals domain are added here.
export const terminalsRouter = {} satisfies TRPCRouterRecord;
