import { describe, expect, it } from '@jest/globals';
import { PROTOCOL_VERSION } from '@restflow/paths';
import { CONSOLE_PROTOCOL_VERSION, consoleProtocolMismatch } from '../src/lib/protocol.ts';

describe('console protocol check', () => {
  it("the console's protocol is the project's, and a mismatch says what to do", () => {
    expect(CONSOLE_PROTOCOL_VERSION).toBe(PROTOCOL_VERSION);
    expect(consoleProtocolMismatch({ protocol_version: PROTOCOL_VERSION, version: '0.1.0' })).toBeUndefined();
    expect(consoleProtocolMismatch({ protocol_version: PROTOCOL_VERSION + 1, version: '0.2.0' })).toContain(
      'Reload the page',
    );
    expect(consoleProtocolMismatch({ version: '0.0.1' })).toContain("'restflow daemon restart'");
  });
});
