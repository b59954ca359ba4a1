import type { TRPCRouterRecord } from '@trpc/server';

// Placeholder: procedures of the auth domain are added here.
export const authRouter = {} satisfies TRPCRouterRecord;
