// What a new user sees of the daemon's life: `daemon start --foreground` twice, a restart that
// keeps the console's address, a log file that is JSON lines only, a foreground daemon that says why it stops.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { pingDaemon } from '@restflow/api/client';
import { resolvePaths } from '@restflow/paths';
import { cliBin, dataDirPool, runCli, runCliJson, waitUntil } from '@restflow/testkit';

const dirs = dataDirPool();
afterAll(() => dirs.cleanup());
const newDataDir = () => dirs.create();

interface Status {
  pid: number;
  transports: { kind: string; address: string }[];
}
const httpOf = (status: Status) => status.transports.find((t) => t.kind === 'http')?.address;

describe('daemon start / restart', () => {
  it('restart keeps the host and port the listener was started with; the log stays JSON lines', async () => {
    const dataDir = newDataDir();
    await runCliJson(['daemon', 'start', '-p', '0'], { dataDir });
    const before = await runCliJson<Status>(['status'], { dataDir });
    expect(httpOf(before)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The CLI's own environment says "any free port" (RESTFLOW_HTTP_PORT=0): restart must not pick another one.
    await runCliJson(['daemon', 'restart'], { dataDir });
    const after = await runCliJson<Status>(['status'], { dataDir });
    expect(after.pid).not.toBe(before.pid);
    expect(httpOf(after)).toBe(httpOf(before));

    const log = fs.readFileSync(resolvePaths(dataDir).daemonLog, 'utf8').trimEnd().split('\n');
    expect(log.length).toBeGreaterThan(4);
    for (const line of log) expect(() => JSON.parse(line)).not.toThrow();
    expect(log.join('\n')).not.toContain('RestFlow daemon ready');
  });

  it('`daemon start --foreground` next to a running daemon says where it is and exits 0', async () => {
    const dataDir = newDataDir();
    await runCliJson(['daemon', 'start'], { dataDir });
    const again = await runCli(['daemon', 'start', '--foreground'], { dataDir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Daemon:\s+already running \(PID: \d+\)/);
    expect(again.stdout).toContain(`Data dir:  ${dataDir}`);
    expect(again.stdout).toMatch(/Console:\s+http:\/\/127\.0\.0\.1:\d+\/auth\?token=/);
    const json = await runCliJson<Record<string, unknown>>(['daemon', 'start', '--foreground'], { dataDir });
    expect(json).toMatchObject({ running: true, already_running: true, data_dir: dataDir });
    expect(String(json.console_url)).toMatch(/\/auth\?token=/);
  });

  it('a foreground daemon says when it stops and why', async () => {
    const dataDir = newDataDir();
    const child = spawn(process.execPath, [cliBin, 'daemon', 'start', '--foreground'], {
      env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_HTTP_PORT: '0', RESTFLOW_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitUntil(() => stderr.includes('Press Ctrl-C to stop.'), 20_000, 'the foreground banner');
    expect(await pingDaemon(resolvePaths(dataDir).pipe, 1000)).toBe(true);
    const status = await runCliJson<{ supervision: { mode: string } }>(['status'], { dataDir });
    expect(status.supervision.mode).toBe('foreground');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toContain('Stopping the RestFlow daemon (Ctrl-C)');
    expect(stderr).toMatch(/RestFlow daemon stopped at .+ \(Ctrl-C\)\./);
  });
});
