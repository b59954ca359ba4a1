// `daemon start|restart [--http|--no-http] [-p PORT]` set the daemon's HTTP listener.
import { afterAll, describe, expect, it } from '@jest/globals';
import { removeDataDir, runCli, runCliJson, stopDaemonFor, tempDataDir } from '@restflow/testkit';

const dataDir = tempDataDir();
afterAll(async () => {
  await stopDaemonFor(dataDir);
  removeDataDir(dataDir);
});

interface Status {
  running: boolean;
  transports: { kind: string; address: string }[];
}
const kinds = (status: Status) => status.transports.map((t) => t.kind).sort();

describe('daemon HTTP flags', () => {
  it('-p picks the port, --no-http serves the pipe only, --http turns it back on over RESTFLOW_HTTP=off', async () => {
    const badPort = await runCli(['daemon', 'start', '-p', '70000'], { dataDir });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr.trim()).toBe('Error: port: must be an integer from 0 to 65535, got 70000');
    expect((await runCliJson<{ running: boolean }>(['status'], { dataDir })).running).toBe(false);

    // RESTFLOW_HTTP_PORT=8787 in the environment: the flag wins (port 0 = a free port).
    await runCliJson(['daemon', 'start', '-p', '0'], { dataDir, env: { RESTFLOW_HTTP_PORT: '8787' } });
    const withHttp = await runCliJson<Status>(['status'], { dataDir });
    const http = withHttp.transports.find((t) => t.kind === 'http');
    expect(http?.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(http?.address).not.toMatch(/:8787$/);

    await runCliJson(['daemon', 'restart', '--no-http'], { dataDir });
    expect(kinds(await runCliJson<Status>(['status'], { dataDir }))).toEqual(['pipe']);

    await runCliJson(['daemon', 'restart', '--http', '-p', '0'], { dataDir, env: { RESTFLOW_HTTP: 'off' } });
    expect(kinds(await runCliJson<Status>(['status'], { dataDir }))).toContain('http');
  });
});
