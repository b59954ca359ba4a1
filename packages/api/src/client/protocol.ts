// The protocol handshake every client makes when it connects: compare the daemon's `system.status`
// `protocol_version` with the one this client was built for, and say plainly what to do when they differ.
import { PROTOCOL_VERSION } from '@restflow/paths';

/** What a client learns from `system.status` (daemons of protocol 1 named the field `protocolVersion`). */
export interface DaemonIdentity {
  protocol_version?: number;
  version: string;
  pid: number;
}

export type ProtocolCheck =
  | { kind: 'same' }
  /** The daemon is older (a daemon left running across an upgrade); a newer CLI restarts it. */
  | { kind: 'older' | 'newer'; daemon: number | undefined; client: number; pid: number; version: string };

export function compareProtocol(status: DaemonIdentity, ours: number = PROTOCOL_VERSION): ProtocolCheck {
  const theirs = status.protocol_version;
  if (theirs === ours) return { kind: 'same' };
  const kind = theirs === undefined || theirs < ours ? 'older' : 'newer';
  return { kind, daemon: theirs, client: ours, pid: status.pid, version: status.version };
}

/** A client and a daemon that speak different protocols; `message` says what to do about it. */
export class ProtocolMismatchError extends Error {
  override name = 'ProtocolMismatchError';
  readonly code = 'PROTOCOL_MISMATCH';
  constructor(
    readonly check: Exclude<ProtocolCheck, { kind: 'same' }>,
    who = 'this client',
  ) {
    super(protocolMismatchMessage(check, who));
  }
}

export function protocolMismatchMessage(check: Exclude<ProtocolCheck, { kind: 'same' }>, who = 'this client'): string {
  const theirs = check.daemon === undefined ? 'an older protocol' : `protocol ${check.daemon}`;
  const daemon = `the running daemon (pid ${check.pid}, version ${check.version}) speaks ${theirs}, ${who} speaks ${check.client}`;
  return check.kind === 'older'
    ? `${daemon}; restart it with 'restflow daemon restart' (running tasks are interrupted)`
    : `${daemon}; this client is older than the daemon: update it to the RestFlow version the daemon runs (${check.version})`;
}
