import type { DomainServices, RestflowServices } from '@restflow/core';
import type { DaemonStatus } from './schemas/system.ts';

export type TransportKind = 'pipe' | 'ws' | 'http' | 'ipc' | 'local';

export interface TransportInfo {
  kind: TransportKind;
  address: string;
}

/** What `system.status` reports (the daemon fills it in). */
export type { DaemonStatus } from './schemas/system.ts';

/** The few things procedures may ask of the hosting process; services never see transports. */
export interface DaemonControl {
  status(): DaemonStatus;
  /** Begins a graceful stop after the current response has been sent. */
  shutdown(reason: string): void;
  /** The web console's sign-in URL (it carries the console token); undefined without an HTTP listener. */
  consoleUrl?(): string | undefined;
}

/**
 * Who is calling, as the transport established it: the local user (pipe, IPC, in-process), the web console (its
 * cookie or console token), or an API token presented as `Authorization: Bearer` (docs/remote-access.md).
 */
export type Caller =
  | { kind: 'local' }
  | { kind: 'console' }
  | { kind: 'token'; token_id: string; token_name: string; read_only: boolean };

export const LOCAL_CALLER: Caller = { kind: 'local' };

export interface ApiContext {
  /** Domain services only: procedures never reach the database, the bus, the event log or the environment. */
  services: DomainServices;
  daemon: DaemonControl;
  transport: TransportKind;
  /** Absent means local: transports that carry no credential (pipe, IPC) are reachable only by the user. */
  caller?: Caller;
}

/** Each mount (pipe, WebSocket, IPC) builds its context through this, naming only its transport. */
export function createContextFactory(services: RestflowServices, daemon: DaemonControl) {
  return (transport: TransportKind, caller: Caller = LOCAL_CALLER): ApiContext => ({
    services,
    daemon,
    transport,
    caller,
  });
}
