import type { TRPCRouterRecord } from '@trpc/server';

// Placeholder: procedures of the skills domain are added here.
export const skillsRouter = {} satisfies TRPCRouterRecord;
