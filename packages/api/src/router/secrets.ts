import type { TRPCRouterRecord } from '@trpc/server';

// Placeholder: procedures of the secrets domain are added here.
export const secretsRouter = {} satisfies TRPCRouterRecord;
