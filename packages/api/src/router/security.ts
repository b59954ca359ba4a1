import type { TRPCRouterRecord } from '@trpc/server';

// Placeholder: procedures of the security domain are added here.
export const securityRouter = {} satisfies TRPCRouterRecord;
