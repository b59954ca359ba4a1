import type { DomainServices, RestflowServices } from '@restflow/core';
import type { DaemonStatus } from './schemas/system.ts';

export type TransportKind = 'pipe' | 'ws' | 'ipc' | 'local' | 'http';

export interface TransportInfo {
  kind: TransportKind | 'http';
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

export interface ApiContext {
  /** Domain services only: procedures never reach the database, the bus, the event log or the environment. */
  services: DomainServices;
  daemon: DaemonControl;
  transport: TransportKind;
}

/** Each mount (pipe, WebSocket, IPC) builds its context through this, naming only its transport. */
export function createContextFactory(services: RestflowServices, daemon: DaemonControl) {
  return (transport: TransportKind): ApiContext => ({ services, daemon, transport });
}
