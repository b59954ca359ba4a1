// The console's tRPC context: every page reads the client from it, whatever transport the host put behind it
// (the web console's WebSocket, the desktop window's IPC link).
import type { AppRouter, RouterInputs, RouterOutputs } from '@restflow/api';
import type { TRPCClient } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';

export type { AppRouter, RouterInputs, RouterOutputs };
export type ConsoleClient = TRPCClient<AppRouter>;

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
