// `restflow start` end to end: the printed URL signs a real browser in, a second start reports the running
// daemon, and a SIGKILLed daemon is brought back by its supervisor quickly enough that the open console reconnects
// by itself and a CLI command issued meanwhile succeeds.
import fs from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient } from '@restflow/api/client';
import { readPidFile } from '@restflow/launcher';
import { resolvePaths } from '@restflow/paths';
import {
  type CliResult,
  dataDirPool,
  isProcessAlive,
  runCli,
  runCliJson,
  startTestDaemon,
  waitUntil,
} from '@restflow/testkit';
import { type Browser, CHROMIUM, ensureConsoleBuilt, launchBrowser, outDir } from './browser.ts';

const dirs = dataDirPool();
let browser: Browser;
const env = { RESTFLOW_WEB_DIR: outDir };

interface Started {
  started: boolean;
  already_running: boolean;
  pid: number;
  console_url: string;
  opened: boolean;
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium`);
  ensureConsoleBuilt();
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await dirs.cleanup();
});

/** The pid of the daemon answering on `pipe`, or undefined while nothing answers. */
async function servingPid(pipe: string): Promise<number | undefined> {
  const client = createRestflowClient({ pipePath: pipe, reconnectTimeoutMs: 0 });
  try {
    return (await client.system.status.query(undefined, { signal: AbortSignal.timeout(300) })).pid;
  } catch {
    return undefined;
  } finally {
    client.close();
  }
}

describe('restflow start', () => {
  it('prints a signed-in console URL that loads in Chromium; a second start reports the running daemon', async () => {
    const dataDir = dirs.create();
    const first = await runCli(['start', '--no-browser'], { dataDir, env });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('Starting the RestFlow daemon');
    const url = /^Console:\s+(\S+)$/m.exec(first.stdout)?.[1] as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\?token=[A-Za-z0-9_-]{43}$/);
    expect(first.stdout).toMatch(/^RestFlow:\s+started \(PID: \d+\)$/m);

    const page = await browser.context.newPage();
    await page.goto(url);
    await page.waitForURL(new URL('/', url).href);
    await page.locator('[data-testid="connection"][data-status="connected"]').waitFor({ timeout: 20_000 });
    await page.close();

    const again = await runCliJson<Started>(['start', '--no-browser'], { dataDir, env });
    expect(again).toMatchObject({ started: false, already_running: true, console_url: url, opened: false });
    const text = await runCli(['start', '--no-browser'], { dataDir, env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^RestFlow:\s+already running \(PID: \d+\)$/m);
    const status = await runCli(['status'], { dataDir });
    expect(status.stdout).toMatch(/^Mode:\s+supervised \(supervisor PID: \d+; restarted 0 times after a crash\)$/m);
  });

  it('kill -9 of the daemon: serving again within 2 s, the open console reconnects, a CLI command in the gap succeeds', async () => {
    const dataDir = dirs.create();
    const paths = resolvePaths(dataDir);
    const started = await runCliJson<Started>(['start', '--no-browser'], { dataDir, env });
    const page = await browser.context.newPage();
    await page.goto(started.console_url);
    await page.getByRole('navigation').getByRole('link', { name: 'Agents', exact: true }).click();
    await page.locator('[data-testid="connection"][data-status="connected"]').waitFor({ timeout: 20_000 });
    // Every connection state the page shows from now on (the gap may be too short to catch by polling).
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const badge = document.querySelector('[data-testid="connection"]') as Element;
      new MutationObserver(() => seen.push(badge.getAttribute('data-status') ?? '')).observe(badge, {
        attributes: true,
      });
    });
    const before = readPidFile(paths.pidFile);
    if (before.kind !== 'alive') throw new Error(`no live daemon in the pid file: ${before.kind}`);
    const supervisorPid = before.record.supervisor?.pid as number;
    expect(before.record).toMatchObject({ pid: started.pid, mode: 'supervised' });
    expect(isProcessAlive(supervisorPid)).toBe(true);

    // The baseline, measured in the same run under the same load: a cold start of a daemon on another data dir.
    const coldStartedAt = Date.now();
    const baseline = await startTestDaemon(dirs.create(), env);
    const coldStartMs = Date.now() - coldStartedAt;
    await baseline.stop();

    /** SIGKILLs the serving daemon and resolves with the gap until a new one answers, and its pid. */
    const killAndTimeRestart = async (victim: number, whileDown: () => void = () => {}) => {
      const killedAt = Date.now();
      process.kill(victim, 'SIGKILL');
      whileDown();
      let next: number | undefined;
      await waitUntil(
        async () => {
          next = await servingPid(paths.pipe);
          return next !== undefined && next !== victim;
        },
        30_000,
        'a restarted daemon answering on the pipe',
      );
      return { gapMs: Date.now() - killedAt, next: next as number };
    };

    // First crash: the gap alone, nothing else competing for the CPU (as for the baseline).
    const { gapMs, next: restarted } = await killAndTimeRestart(started.pid);
    process.stderr.write(
      `restart gap after kill -9: ${gapMs} ms (kill to the new daemon answering system.status); ` +
        `cold start of a daemon in the same run: ${coldStartMs} ms; load average ${os.loadavg()[0]?.toFixed(1)}\n`,
    );
    // Within 2 s; on a machine too busy for a daemon to even cold-start in 2 s, within a cold start of the same run,
    // with room for the first backoff (100 ms) and the spread of single samples under load (bench/RESULTS.md).
    expect(gapMs).toBeLessThan(Math.max(2000, coldStartMs * 1.5 + 100));

    // Second crash, with a CLI command issued during the gap: it must wait for the supervisor's restart, not fail
    // nor start a second daemon.
    let duringGap: Promise<CliResult> | undefined;
    const { next: pid } = await killAndTimeRestart(restarted, () => {
      duringGap = runCli(['agent', 'create', '-n', 'made-in-the-gap', '--format', 'json'], { dataDir, env });
    });

    const created = (await duringGap) as CliResult;
    // With its stderr: a command that gives up in the gap says why.
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(created.stderr).not.toContain('Starting the RestFlow daemon');
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'made-in-the-gap' });

    // The page reconnects by itself and shows what changed while it was away.
    await page.getByTestId('agent-list').getByRole('button', { name: 'made-in-the-gap' }).waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="connection"][data-status="connected"]').waitFor();
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.some((status) => status !== 'connected')).toBe(true);
    expect(seen.at(-1)).toBe('connected');
    await page.close();

    const after = readPidFile(paths.pidFile);
    expect(after).toMatchObject({ kind: 'alive', record: { pid, supervisor: { pid: supervisorPid } } });
    const status = await runCliJson<{ supervision: { mode: string; restarts: number } }>(['status'], { dataDir });
    expect(status.supervision).toMatchObject({ mode: 'supervised', restarts: 2 });

    // A clean stop stops the supervisor too: nothing restarts the daemon, nothing is left behind.
    const stopped = await runCliJson<{ stopped: boolean; killed: boolean }>(['daemon', 'stop'], { dataDir });
    expect(stopped).toMatchObject({ stopped: true, killed: false });
    expect(isProcessAlive(pid as number)).toBe(false);
    await waitUntil(() => !isProcessAlive(supervisorPid), 5_000, 'the supervisor to exit');
    expect(await servingPid(paths.pipe)).toBeUndefined();
  });

  it('the console makes the protocol handshake too: a daemon of another protocol gets a banner saying what to do', async () => {
    const dataDir = dirs.create();
    const daemon = await startTestDaemon(dataDir, { ...env, RESTFLOW_TEST_PROTOCOL_VERSION: '3' });
    const sdk = createRestflowClient({ dataDir });
    try {
      const { url } = await sdk.system.consoleUrl.query();
      const page = await browser.context.newPage();
      await page.goto(url);
      const banner = page.getByTestId('protocol-mismatch');
      await banner.waitFor({ timeout: 20_000 });
      expect(await banner.textContent()).toContain(
        'speaks protocol 3; this page was loaded for protocol 2. Reload the page',
      );
      await page.close();
    } finally {
      sdk.close();
      await daemon.stop();
    }
  });
});
