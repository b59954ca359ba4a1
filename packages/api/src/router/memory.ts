import type { TRPCRouterRecord } from '@trpc/server';

// Placeholder: procedures of the memory domain are added here.
export const memoryRouter = {} satisfies TRPCRouterRecord;
