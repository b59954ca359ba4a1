// What a host plugs into the console: how its tRPC client reaches the daemon. The pages never know which.
import type { TRPCLink } from '@trpc/client';
import type { SignInProbe } from './lib/connection';
import type { AppRouter } from './lib/trpc';

export interface ConnectionCallbacks {
  onOpen(): void;
  onClose(): void;
}

export interface ConsoleTransport {
  /** The client's links, created once per page (in the browser only); report the connection through callbacks. */
  links(callbacks: ConnectionCallbacks): TRPCLink<AppRouter>[];
  /** Asked after a failed connection: is the daemon there, and does it let this page in? */
  probe(): Promise<SignInProbe>;
}
