// The protocol handshake against real daemons that report another protocol version (a test hook): the CLI
// restarts an older daemon of its data dir once and goes on; a newer daemon is left alone and every client —
// CLI, MCP stdio server, SDK — says what to do.
import { afterAll, describe, expect, it } from '@jest/globals';
import { connectRestflow, ProtocolMismatchError } from '@restflow/api/client';
import { PROTOCOL_VERSION } from '@restflow/paths';
import { dataDirPool, runCli, runCliJson } from '@restflow/testkit';

const dirs = dataDirPool();
afterAll(() => dirs.cleanup());

interface StatusJson {
  pid: number;
  protocol_version: number;
}

describe('protocol handshake', () => {
  it('a CLI that finds an older daemon of its data dir restarts it once, then runs the command', async () => {
    const dataDir = dirs.create();
    const old = await runCliJson<{ pid: number }>(['daemon', 'start'], {
      dataDir,
      env: { RESTFLOW_TEST_PROTOCOL_VERSION: String(PROTOCOL_VERSION - 1) },
    });
    const listed = await runCli(['agent', 'list', '--format', 'json'], { dataDir });
    expect(listed.code).toBe(0);
    expect(listed.stderr).toContain(
      `Restarting the RestFlow daemon: it speaks protocol ${PROTOCOL_VERSION - 1}, this CLI ${PROTOCOL_VERSION}`,
    );
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    const status = await runCliJson<StatusJson>(['status'], { dataDir });
    expect(status.pid).not.toBe(old.pid);
    expect(status.protocol_version).toBe(PROTOCOL_VERSION);
    // Once: the next command finds the same daemon and says nothing about protocols.
    const again = await runCli(['agent', 'list'], { dataDir });
    expect(again.stderr).toBe('');
    expect((await runCliJson<StatusJson>(['status'], { dataDir })).pid).toBe(status.pid);
  }, 120_000);

  it('a newer daemon is left running; CLI, MCP stdio and SDK each refuse with what to do', async () => {
    const dataDir = dirs.create();
    const newer = PROTOCOL_VERSION + 1;
    const daemon = await runCliJson<{ pid: number }>(['daemon', 'start'], {
      dataDir,
      env: { RESTFLOW_TEST_PROTOCOL_VERSION: String(newer) },
    });
    const expected = `the running daemon (pid ${daemon.pid}, version 0.1.0) speaks protocol ${newer}, this CLI speaks ${PROTOCOL_VERSION}; this client is older than the daemon: update it`;

    const cli = await runCli(['agent', 'list'], { dataDir });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`Error: ${expected}`);
    const json = await runCli(['agent', 'list', '--format', 'json'], { dataDir });
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'PROTOCOL_MISMATCH' } });

    const mcp = await runCli(['mcp', 'serve'], { dataDir });
    expect(mcp.code).toBe(1);
    expect(mcp.stdout).toBe('');
    expect(mcp.stderr).toContain(expected);

    const start = await runCli(['start', '--no-browser'], { dataDir });
    expect(start.code).toBe(1);
    expect(start.stderr).toContain(expected);

    const sdkError = await connectRestflow({ dataDir }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(sdkError).toBeInstanceOf(ProtocolMismatchError);
    expect(sdkError).toMatchObject({
      code: 'PROTOCOL_MISMATCH',
      check: { kind: 'newer', daemon: newer, client: PROTOCOL_VERSION, pid: daemon.pid },
    });

    // Left alone: still the same daemon.
    expect((await runCliJson<StatusJson>(['status'], { dataDir })).pid).toBe(daemon.pid);
  }, 120_000);

  it('the SDK connects to a daemon of its own protocol', async () => {
    const dataDir = dirs.create();
    await runCliJson(['daemon', 'start'], { dataDir });
    const client = await connectRestflow({ dataDir });
    try {
      expect(await client.system.ping.query()).toBe('pong');
    } finally {
      client.close();
    }
  }, 60_000);
});
