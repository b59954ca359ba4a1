// The console's side of the protocol handshake (docs/lifecycle.md#protocol-handshake). The console is a static
// export and cannot import @restflow/paths (Node only): its copy of PROTOCOL_VERSION is checked against it by
// packages/ui/test/protocol.test.ts.
export const CONSOLE_PROTOCOL_VERSION = 2;

/** Why this page cannot work with the daemon it reached, in words; undefined when they speak the same protocol. */
export function consoleProtocolMismatch(daemon: { protocol_version?: number; version: string }): string | undefined {
  const theirs = daemon.protocol_version;
  if (theirs === CONSOLE_PROTOCOL_VERSION) return undefined;
  const spoken = theirs === undefined ? 'an older protocol' : `protocol ${theirs}`;
  return theirs !== undefined && theirs > CONSOLE_PROTOCOL_VERSION
    ? `The daemon (version ${daemon.version}) speaks ${spoken}; this page was loaded for protocol ${CONSOLE_PROTOCOL_VERSION}. Reload the page to get the daemon's own console.`
    : `The daemon (version ${daemon.version}) speaks ${spoken}; this page speaks ${CONSOLE_PROTOCOL_VERSION}. Restart the daemon with 'restflow daemon restart' (or 'restflow start'), then reload.`;
}
