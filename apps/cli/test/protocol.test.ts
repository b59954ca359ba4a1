import { describe, expect, it } from '@jest/globals';
import { PROTOCOL_VERSION } from '@restflow/paths';
import { protocolMismatch } from '../src/daemon-connection.ts';

describe('protocol check', () => {
  it('accepts a daemon of the same protocol and explains a mismatch with the fix', () => {
    expect(protocolMismatch({ protocol_version: PROTOCOL_VERSION, version: '0.1.0', pid: 1 })).toBeUndefined();
    expect(protocolMismatch({ protocol_version: PROTOCOL_VERSION + 1, version: '9.0.0', pid: 42 })).toBe(
      `the running daemon (pid 42, version 9.0.0) speaks protocol ${PROTOCOL_VERSION + 1}, this CLI speaks ${PROTOCOL_VERSION}; this client is older than the daemon: update it to the RestFlow version the daemon runs (9.0.0)`,
    );
    expect(protocolMismatch({ protocol_version: PROTOCOL_VERSION - 1, version: '0.0.1', pid: 7 })).toBe(
      `the running daemon (pid 7, version 0.0.1) speaks protocol ${PROTOCOL_VERSION - 1}, this CLI speaks ${PROTOCOL_VERSION}; restart it with 'restflow daemon restart' (running tasks are interrupted)`,
    );
  });
});
