import { describe, expect, it } from '@jest/globals';
import { PROTOCOL_VERSION } from '@restflow/paths';
import { compareProtocol, ProtocolMismatchError, protocolMismatchMessage } from '../src/client/protocol.ts';

describe('protocol handshake (client side)', () => {
  it('tells an older daemon (or one that predates the field) from a newer one', () => {
    expect(compareProtocol({ protocol_version: PROTOCOL_VERSION, version: '0.1.0', pid: 1 })).toEqual({ kind: 'same' });
    expect(compareProtocol({ version: '0.0.1', pid: 2 })).toEqual({
      kind: 'older',
      daemon: undefined,
      client: PROTOCOL_VERSION,
      pid: 2,
      version: '0.0.1',
    });
    expect(compareProtocol({ protocol_version: 9, version: '9.0.0', pid: 3 }, 2)).toMatchObject({
      kind: 'newer',
      daemon: 9,
      client: 2,
    });
  });

  it('says what to do, in a typed error', () => {
    const older = compareProtocol({ protocol_version: 1, version: '0.0.1', pid: 4 }, 2);
    if (older.kind === 'same') throw new Error('expected a mismatch');
    expect(protocolMismatchMessage(older)).toBe(
      "the running daemon (pid 4, version 0.0.1) speaks protocol 1, this client speaks 2; restart it with 'restflow daemon restart' (running tasks are interrupted)",
    );
    const newer = compareProtocol({ protocol_version: 3, version: '0.3.0', pid: 5 }, 2);
    if (newer.kind === 'same') throw new Error('expected a mismatch');
    const error = new ProtocolMismatchError(newer, 'this SDK');
    expect(error).toMatchObject({ name: 'ProtocolMismatchError', code: 'PROTOCOL_MISMATCH', check: newer });
    expect(error.message).toBe(
      'the running daemon (pid 5, version 0.3.0) speaks protocol 3, this SDK speaks 2; this client is older than the daemon: update it to the RestFlow version the daemon runs (0.3.0)',
    );
  });
});
