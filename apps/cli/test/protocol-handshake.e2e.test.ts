// The protocol handshake against real daemons that report another protocol version (a test hook): the CLI
// restarts an older daemon of its data dir once and goes on; a newer daemon is left alone and every client —
// CLI, MCP stdio server, SDK — says what to do.
import { afterAll, describe, expect, it } from '@jest/globals';
import { connectRestflow, createRestflowClient, ProtocolMismatchError } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { PROTOCOL_VERSION } from '@restflow/paths';
import { dataDirPool, runCli, runCliJson, waitUntil } from '@restflow/testkit';

const dirs = dataDirPool();
let fake: FakeProvider | undefined;
afterAll(async () => {
  await dirs.cleanup();
  await fake?.close();
});

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

  it('an older daemon with a run in progress is restarted once the run finishes, or at once with start --force', async () => {
    fake = await startFakeProvider();
    const dataDir = dirs.create();
    const env = { ...fake.env(), ANTHROPIC_API_KEY: 'sk-ant-e2e' };
    const old = await runCliJson<{ pid: number }>(['daemon', 'start'], {
      dataDir,
      env: { ...env, RESTFLOW_TEST_PROTOCOL_VERSION: String(PROTOCOL_VERSION - 1) },
    });
    // Straight through the SDK: any CLI command would already restart the older daemon.
    const sdk = createRestflowClient({ dataDir });
    const startRun = async () => {
      const agent = await sdk.agents.create.mutate({ name: 'slow', agent: { model: 'sonnet' } });
      fake?.script({ text: Array.from({ length: 16 }, (_, i) => `w${i}`).join(' '), tokenDelayMs: 500 });
      const sent = await sdk.agents.run.mutate({ id: agent.id, input: 'count slowly' });
      await waitUntil(
        async () => (await sdk.runs.get.query({ id: sent.run_id })).last_seq >= 2,
        20_000,
        'the run streaming',
        100,
      );
      return sent.run_id;
    };
    try {
      const runId = await startRun();
      const waited = await runCli(['agent', 'list', '--format', 'json'], { dataDir, env, timeoutMs: 90_000 });
      expect(waited.code).toBe(0);
      expect(waited.stderr).toContain('has 1 run(s) in progress: restarting it once they finish');
      // The run was not cut off: it finished on the old daemon, then the daemon was restarted.
      const fresh = createRestflowClient({ dataDir });
      try {
        expect(await fresh.runs.get.query({ id: runId })).toMatchObject({ status: 'completed' });
        const status = await fresh.system.status.query();
        expect(status.pid).not.toBe(old.pid);
        expect(status.protocol_version).toBe(PROTOCOL_VERSION);
      } finally {
        fresh.close();
      }
    } finally {
      sdk.close();
    }

    // Once more with an older daemon, now forced: the run is interrupted, not waited for.
    await runCliJson(['daemon', 'stop'], { dataDir });
    await runCliJson(['daemon', 'start'], {
      dataDir,
      env: { ...env, RESTFLOW_TEST_PROTOCOL_VERSION: String(PROTOCOL_VERSION - 1) },
    });
    const again = createRestflowClient({ dataDir });
    const forcedRun = await (async () => {
      const agent = await again.agents.create.mutate({ name: 'slower', agent: { model: 'sonnet' } });
      fake?.script({ text: Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '), tokenDelayMs: 500 });
      const sent = await again.agents.run.mutate({ id: agent.id, input: 'count slowly' });
      await waitUntil(
        async () => (await again.runs.get.query({ id: sent.run_id })).last_seq >= 2,
        20_000,
        'the run streaming',
        100,
      );
      return sent.run_id;
    })();
    again.close();
    const forced = await runCli(['start', '--no-browser', '--force'], { dataDir, env, timeoutMs: 90_000 });
    expect(forced.code).toBe(0);
    expect(forced.stderr).not.toContain('in progress');
    expect(forced.stderr).toContain('Restarting the RestFlow daemon');
    const after = createRestflowClient({ dataDir });
    try {
      expect(await after.runs.get.query({ id: forcedRun })).toMatchObject({ status: 'interrupted' });
    } finally {
      after.close();
    }
  }, 240_000);
});
