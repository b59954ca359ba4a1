// The desktop main process with `electron` stubbed (IPC structuredClones, as Electron does) against real
// daemons on temp data dirs: start-up, its failures, the tray, notifications, and the no-database rule.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { type AppRouter, createRestflowClient, pingDaemon } from '@restflow/api/client';
import { servePipe } from '@restflow/api/server';
import { BrowserWindow, ipcRenderer, Notification, shell, stub, app as stubApp, Tray } from '@restflow/electron-stub';
import { exposeElectronTRPC } from '@restflow/electron-trpc/main';
import { type ElectronTRPCBridge, ipcLink } from '@restflow/electron-trpc/renderer';
import { resolvePaths } from '@restflow/paths';
import { dataDirPool, repoRoot, waitUntil } from '@restflow/testkit';
import { createTRPCClient } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { ensureDaemon, packagedDaemonEntry } from '../src/main/daemon-startup.ts';
import { DESKTOP_CHANNEL, DesktopApp, type DesktopAppOptions } from '../src/main/desktop-app.ts';
import { DEFAULT_SETTINGS, type DesktopSettings } from '../src/main/settings.ts';
import { SECURE_WEB_PREFERENCES } from '../src/main/windows.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const files = {
  preload: here('../dist/preload.cjs'),
  renderer: here('../dist/renderer/index.html'),
  errorPage: here('../dist/renderer/error.html'),
  trayIcon: here('../dist/renderer/tray.png'),
};
const pool = dataDirPool();
const apps: DesktopApp[] = [];

function desktopFor(dataDir: string, extra: Partial<DesktopAppOptions> = {}, settings: Partial<DesktopSettings> = {}) {
  const desktop = new DesktopApp({
    paths: resolvePaths(dataDir),
    files,
    settings: { ...DEFAULT_SETTINGS, ...settings },
    daemonEnv: { RESTFLOW_HTTP_PORT: '0', ...extra.daemonEnv },
    ...extra,
  });
  apps.push(desktop);
  return desktop;
}

/** What the console page does in the window: the preload's bridge, and a typed client over ipcLink. */
function windowClient(window: unknown) {
  const bridge = stub.runPreload(window as BrowserWindow, () => exposeElectronTRPC())
    .electronTRPC as ElectronTRPCBridge;
  return createTRPCClient<AppRouter>({ links: [ipcLink<AppRouter>({ transformer: superjson, bridge })] });
}

function trayItem(label: RegExp) {
  const tray = Tray.instances.at(-1);
  const item = tray?.menu?.items.find((i) => i.label && label.test(i.label));
  if (!item) throw new Error(`no tray item ${label}: ${JSON.stringify(tray?.menu?.items.map((i) => i.label))}`);
  return item;
}

afterEach(() => {
  for (const desktop of apps.splice(0)) desktop.quit();
  stub.reset();
});
afterAll(() => pool.cleanup(), 60_000);

describe('desktop main process (stubbed electron, real daemon)', () => {
  let sharedDir: string;

  it('auto-starts the daemon, opens a locked-down window on the local console, and serves it over IPC', async () => {
    sharedDir = pool.create();
    const desktop = desktopFor(sharedDir);
    expect(await pingDaemon(resolvePaths(sharedDir).pipe, 300)).toBe(false);
    await desktop.start();
    expect(desktop.status).toMatchObject({ state: 'running', version: expect.any(String) });
    expect(await pingDaemon(resolvePaths(sharedDir).pipe, 2000)).toBe(true);
    const window = desktop.window as unknown as BrowserWindow;
    expect(window.options.webPreferences).toMatchObject({ ...SECURE_WEB_PREFERENCES, preload: files.preload });
    expect(window.loaded).toEqual({ file: files.renderer, options: { hash: '/' } });
    expect(trayItem(/^Daemon: running \(pid \d+\)/).enabled).toBe(false);

    const client = windowClient(window);
    expect((await client.agents.list.query()).map((a) => a.name)).toContain('Default Assistant');
    // The web console's signed-in URL stays with main.
    await expect(client.system.consoleUrl.query()).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    // Links to the web leave the app; nothing else opens a window.
    expect(window.webContents.windowOpenHandler?.({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual(['https://example.com/docs']);
  }, 90_000);

  it('tray: daemon status, open window, open web console, quit (the daemon keeps running)', async () => {
    const desktop = desktopFor(sharedDir);
    await desktop.start();
    const first = desktop.window as unknown as BrowserWindow;
    first.close();
    expect(desktop.window).toBeUndefined();
    trayItem(/^Open RestFlow$/).click?.();
    expect(desktop.window).toBeDefined();
    expect(desktop.window).not.toBe(first);

    trayItem(/^Open web console$/).click?.();
    await waitUntil(() => shell.opened.length === 1, 10_000, 'the web console to open in the browser');
    expect(shell.opened[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\?token=/);

    trayItem(/^Quit RestFlow/).click?.();
    expect(stubApp.quitCalls).toBe(1);
    expect(BrowserWindow.getAllWindows()).toEqual([]);
    expect(await pingDaemon(resolvePaths(sharedDir).pipe, 2000)).toBe(true);
  }, 60_000);

  it('the tray follows the daemon live: gone → reconnecting, back → running with its new pid', async () => {
    const dataDir = pool.create();
    const desktop = desktopFor(dataDir);
    await desktop.start();
    const first = desktop.status.state === 'running' ? desktop.status.pid : undefined;
    expect(first).toEqual(expect.any(Number));
    process.kill(first as number, 'SIGKILL');
    await waitUntil(() => desktop.status.state === 'reconnecting', 10_000, 'the tray to see the daemon gone');
    expect(trayItem(/^Daemon: not reachable, reconnecting/).enabled).toBe(false);
    expect(trayItem(/^Open web console$/).enabled).toBe(false);
    // Someone else starts it again (the CLI, a service unit): the app's connection finds it by itself.
    await ensureDaemon(resolvePaths(dataDir), {
      readyTimeoutMs: 60_000,
      autoStart: true,
      env: { RESTFLOW_HTTP_PORT: '0' },
    });
    await waitUntil(() => desktop.status.state === 'running', 30_000, 'the tray to see the daemon back');
    const second = desktop.status.state === 'running' ? desktop.status.pid : undefined;
    expect(second).not.toBe(first);
    expect(trayItem(new RegExp(`^Daemon: running \\(pid ${second}\\)`)).enabled).toBe(false);
    expect(desktop.errorWindow).toBeUndefined();
  }, 120_000);

  it('a packaged app starts the daemon bundle the build writes, and it serves', async () => {
    // From the repo, the app's directory holds the same node_modules/@restflow/daemon a package ships.
    const entry = packagedDaemonEntry(repoRoot);
    expect(fs.existsSync(entry)).toBe(true);
    const dataDir = pool.create();
    const child = spawn(process.execPath, [entry], {
      env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_DIR: dataDir, RESTFLOW_HTTP: 'off' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const { pipe } = resolvePaths(dataDir);
      await waitUntil(
        () => {
          // A daemon that died is the failure, not a wait that times out.
          if (child.exitCode !== null) throw new Error(`the packaged daemon exited with ${child.exitCode}`);
          return pingDaemon(pipe, 500);
        },
        30_000,
        'the packaged daemon to answer',
        50,
      );
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);

  it('notifies when a background task fails and when a command needs approval; the approval opens and is decided in the window', async () => {
    const desktop = desktopFor(sharedDir, {}, { notify_on_task_completion: true });
    await desktop.start();
    const sdk = createRestflowClient({ dataDir: sharedDir });
    try {
      const agent = (await sdk.agents.list.query())[0]!;
      const bad = await sdk.tasks.create.mutate({
        name: 'nightly-bad',
        agent_id: agent.id,
        schedule: { type: 'interval', interval_ms: 3_600_000, start_at: null },
        execution_mode: {
          type: 'cli',
          binary: process.execPath,
          args: ['-e', "console.error('nope'); process.exit(4)"],
        },
      } as never);
      // Subscribed before the run starts: the notifier's feed is live-only.
      await waitUntil(() => desktop.status.state === 'running', 5000, 'the app to run');
      await sdk.tasks.run.mutate({ id: bad.id });
      await waitUntil(
        () => Notification.shown.some((n) => n.title === 'Task failed: nightly-bad'),
        30_000,
        'a failure notification',
      );
      const failure = Notification.shown.find((n) => n.title === 'Task failed: nightly-bad')!;
      expect(failure.body).toContain('nope');

      const approval = await sdk.security.approvals.create.mutate({ command: 'rm -rf /tmp/rf-desktop-x' });
      await waitUntil(
        () => Notification.shown.some((n) => n.title === 'Approval needed'),
        10_000,
        'an approval notification',
      );
      const notice = Notification.shown.find((n) => n.title === 'Approval needed')!;
      expect(notice.body).toContain('rm -rf /tmp/rf-desktop-x');
      (desktop.window as unknown as BrowserWindow).close();
      notice.emit('click');
      const window = desktop.window as unknown as BrowserWindow;
      expect(window.loaded).toEqual({ file: files.renderer, options: { hash: `/settings?approval=${approval.id}` } });

      const client = windowClient(window);
      const pending = await client.security.approvals.list.query({ status: 'pending' } as never);
      expect(pending.map((a: { id: string }) => a.id)).toContain(approval.id);
      await client.security.approvals.approve.mutate({ id: approval.id });
      expect((await sdk.security.approvals.get.query({ id: approval.id })).status).toBe('approved');
    } finally {
      sdk.close();
    }
  }, 90_000);

  it('a daemon that is not ready in time gives the error window (log path, Retry); Retry starts it', async () => {
    const dataDir = pool.create();
    const paths = resolvePaths(dataDir);
    const options: DesktopAppOptions = {
      paths,
      files,
      settings: DEFAULT_SETTINGS,
      readyTimeoutMs: 1500,
      daemonEnv: { RESTFLOW_HTTP_PORT: '0', RESTFLOW_DAEMON_ENTRY: here('./fixtures/daemon-when-allowed.mjs') },
    };
    const desktop = new DesktopApp(options);
    apps.push(desktop);
    await desktop.start();
    expect(desktop.status).toEqual({ state: 'error', title: 'RestFlow could not start its daemon' });
    expect(desktop.errorModel).toEqual({
      title: 'RestFlow could not start its daemon',
      message: expect.stringContaining('did not answer'),
      log_path: paths.daemonLog,
      actions: ['retry', 'quit'],
    });
    expect(desktop.window).toBeUndefined();
    const errorWindow = desktop.errorWindow as unknown as BrowserWindow;
    expect(errorWindow.loaded?.file).toBe(files.errorPage);
    expect(errorWindow.loaded?.options).toEqual({
      query: { title: desktop.errorModel?.title, message: desktop.errorModel?.message, log: paths.daemonLog },
    });
    expect(trayItem(/^Daemon: RestFlow could not start its daemon/).enabled).toBe(false);
    expect(trayItem(/^Open web console$/).enabled).toBe(false);

    fs.writeFileSync(`${dataDir}/allow-start`, '');
    // This time the daemon gets a real start-up budget (a loaded machine needs seconds).
    options.readyTimeoutMs = 60_000;
    // The error page's Retry button, through the preload's channel.
    stub.runPreload(errorWindow, () => ipcRenderer.send(DESKTOP_CHANNEL, 'retry'));
    await waitUntil(() => desktop.status.state === 'running', 60_000, 'the retried start-up');
    expect(desktop.errorWindow).toBeUndefined();
    expect(errorWindow.isDestroyed()).toBe(true);
    expect(desktop.window).toBeDefined();
  }, 90_000);

  it('refuses a daemon that speaks another protocol, saying how to fix it', async () => {
    const dataDir = pool.create();
    const paths = resolvePaths(dataDir);
    const t = initTRPC.create({ transformer: superjson });
    const oldDaemon = t.router({
      system: t.router({
        ping: t.procedure.query(() => 'pong' as const),
        status: t.procedure.query(() => ({ pid: process.pid, version: '0.0.9', protocol_version: 1 })),
      }),
    });
    const server = await servePipe({
      router: oldDaemon as never,
      path: paths.pipe,
      createContext: () => ({}) as never,
    });
    try {
      const desktop = desktopFor(dataDir);
      await desktop.start();
      expect(desktop.errorModel).toMatchObject({
        title: 'The running daemon is from another RestFlow version',
        message: expect.stringMatching(
          /speaks protocol 1; this app speaks 2\. Restart it with 'restflow daemon restart'/,
        ),
        actions: ['retry', 'quit'],
      });
      expect(desktop.window).toBeUndefined();
    } finally {
      await server.close();
    }
  }, 60_000);

  it('the main process never opens the database (real process, the CLI tests’ guard)', async () => {
    const dataDir = pool.create();
    const guard = here('../../cli/test/fixtures/no-db-guard.mjs');
    const child = spawn(
      process.execPath,
      [
        '--import',
        guard,
        '--import',
        '@restflow/electron-stub/register',
        '--import',
        'tsx',
        here('./fixtures/desktop-harness.ts'),
      ],
      { env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(result).toMatchObject({ status: { state: 'running' }, created: 'from-window' });
    expect(result.agents).toContain('Default Assistant');
    // The guard was really loaded: the same process refuses the database layer.
    const probe = spawn(
      process.execPath,
      ['--import', guard, '--input-type=module', '-e', "await import('@restflow/db')"],
      {
        env: { ...process.env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let probeErr = '';
    probe.stderr.on('data', (d) => {
      probeErr += d;
    });
    expect(await new Promise((resolve) => probe.on('close', resolve))).not.toBe(0);
    expect(probeErr).toContain('client process tried to load @restflow/db');
  }, 90_000);
});
