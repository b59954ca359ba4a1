// The desktop app's main process, minus Electron's start-up boilerplate (main.ts): ensure the daemon, check
// its protocol, then the console window, tray and notifications. Quitting closes the app, never the daemon.
import { createIPCHandler, type IPCHandler } from '@restflow/electron-trpc/main';
import type { RestflowPaths } from '@restflow/paths';
import { app, type BrowserWindow, ipcMain, Menu, nativeImage, shell, Tray } from 'electron';
import { connectToDaemon, type DaemonConnection } from './daemon-connection.ts';
import { ensureDaemon, protocolMismatch, StartupError } from './daemon-startup.ts';
import { type StartupErrorModel, startupErrorModel } from './error-model.ts';
import { startNotifications } from './notifications.ts';
import type { DesktopSettings } from './settings.ts';
import { type DaemonStatusView, trayMenuTemplate } from './tray-menu.ts';
import { type AppFiles, openConsoleWindow, openErrorWindow, showRoute } from './windows.ts';

/** The error page's two buttons, sent by its preload on this channel. */
export const DESKTOP_CHANNEL = 'restflow-desktop';

/** Procedures a window may not call: the web console's sign-in URL carries its token, and stopping the
 * daemon is the CLI's business (the app never stops it). */
const DENIED_PATHS = new Set(['system.consoleUrl', 'system.shutdown']);

export interface DesktopAppOptions {
  paths: RestflowPaths;
  files: AppFiles;
  settings: DesktopSettings;
  readyTimeoutMs?: number;
  autoStart?: boolean;
  /** Environment of a daemon the app starts. */
  daemonEnv?: NodeJS.ProcessEnv;
}

export class DesktopApp {
  status: DaemonStatusView = { state: 'starting' };
  window: BrowserWindow | undefined;
  errorWindow: BrowserWindow | undefined;
  /** What the error window shows, while it does. */
  errorModel: StartupErrorModel | undefined;
  tray: Tray | undefined;
  private connection: DaemonConnection | undefined;
  private ipc: IPCHandler | undefined;
  private notifications: { stop(): void } | undefined;
  private starting: Promise<void> | undefined;
  private quitting = false;

  constructor(private readonly options: DesktopAppOptions) {
    ipcMain.on(DESKTOP_CHANNEL, this.onDesktopMessage);
  }

  /** Ensures the daemon and opens the console window, or the error window saying why not. */
  start(): Promise<void> {
    this.starting ??= this.attempt().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async attempt(): Promise<void> {
    this.setStatus({ state: 'starting' });
    const { paths } = this.options;
    try {
      await ensureDaemon(paths, {
        readyTimeoutMs: this.options.readyTimeoutMs ?? 20_000,
        autoStart: this.options.autoStart ?? true,
        env: this.options.daemonEnv,
      });
      this.connection ??= connectToDaemon(paths.pipe, this.onConnectionState);
      await this.refreshStatus();
      this.closeErrorWindow();
      this.ipc ??= createIPCHandler({
        client: this.connection.forward,
        isAllowed: (path) => !DENIED_PATHS.has(path),
      });
      this.notifications ??= startNotifications({
        client: this.connection.client,
        settings: this.options.settings,
        open: (route) => this.openWindow(route),
      });
      this.openWindow();
    } catch (error) {
      this.showError(startupErrorModel(error, paths));
    }
  }

  /** Asks the daemon who it is: the tray shows its pid and version; another protocol is a start-up error. */
  private async refreshStatus(): Promise<void> {
    const status = await (this.connection as DaemonConnection).client.system.status.query(undefined, {
      signal: AbortSignal.timeout(5000),
    });
    const mismatch = protocolMismatch(status);
    if (mismatch) throw new StartupError('protocol_mismatch', mismatch);
    this.setStatus({ state: 'running', pid: status.pid, version: status.version });
  }

  /**
   * The tray follows the pipe: a lost daemon shows as reconnecting at once, and a daemon back on the pipe (a
   * restart by the supervisor, the CLI or the user) as running again, with its new pid. Only once started: the
   * start-up path reports its own failures.
   */
  private readonly onConnectionState = (state: 'connected' | 'disconnected') => {
    if (this.quitting || this.starting) return;
    if (state === 'disconnected') {
      if (this.status.state === 'running') this.setStatus({ state: 'reconnecting' });
      return;
    }
    if (this.status.state !== 'reconnecting') return;
    this.refreshStatus().catch((error: unknown) => this.showError(startupErrorModel(error, this.options.paths)));
  };

  /** Opens the console window (or brings it forward), optionally at a route such as `/tasks?id=…`. */
  openWindow(route?: string): void {
    if (this.status.state !== 'running') {
      this.errorWindow?.focus();
      return;
    }
    const { files } = this.options;
    if (this.window && !this.window.isDestroyed()) {
      if (route) showRoute(this.window, files, route);
      else this.window.focus();
      return;
    }
    const window = openConsoleWindow(files, route);
    this.ipc?.attachWindow(window);
    window.on('closed', () => {
      if (this.window === window) this.window = undefined;
    });
    this.window = window;
  }

  /** The web console in the system browser, signed in (the URL comes from the daemon over the pipe). */
  async openWebConsole(): Promise<void> {
    if (!this.connection || this.status.state !== 'running') return;
    const { url } = await this.connection.client.system.consoleUrl.query();
    await shell.openExternal(url);
  }

  /** Closes windows, tray and the pipe connection; the daemon keeps running. */
  quit(): void {
    if (this.quitting) return;
    this.quitting = true;
    ipcMain.removeListener(DESKTOP_CHANNEL, this.onDesktopMessage);
    this.notifications?.stop();
    this.ipc?.dispose();
    for (const window of [this.window, this.errorWindow]) if (window && !window.isDestroyed()) window.close();
    this.tray?.destroy();
    this.connection?.close();
    app.quit();
  }

  private showError(model: StartupErrorModel): void {
    if (this.window && !this.window.isDestroyed()) this.window.close();
    this.closeErrorWindow();
    this.errorModel = model;
    this.setStatus({ state: 'error', title: model.title });
    const window = openErrorWindow(this.options.files, model);
    window.on('closed', () => {
      if (this.errorWindow === window) this.errorWindow = undefined;
    });
    this.errorWindow = window;
  }

  private closeErrorWindow(): void {
    this.errorModel = undefined;
    const window = this.errorWindow;
    this.errorWindow = undefined;
    if (window && !window.isDestroyed()) window.close();
  }

  private setStatus(status: DaemonStatusView): void {
    this.status = status;
    if (!this.tray) {
      const icon = nativeImage.createFromPath(this.options.files.trayIcon);
      this.tray = new Tray(icon);
    }
    this.tray.setToolTip(`RestFlow — ${status.state}`);
    this.tray.setContextMenu(
      Menu.buildFromTemplate(
        trayMenuTemplate(status, {
          openWindow: () => (this.status.state === 'running' ? this.openWindow() : void this.start()),
          openWebConsole: () => void this.openWebConsole().catch(() => undefined),
          quit: () => this.quit(),
        }),
      ),
    );
  }

  private readonly onDesktopMessage = (event: { sender: { id: number } }, message: unknown) => {
    // Only the error window's page may ask for these.
    if (!this.errorWindow || event.sender.id !== this.errorWindow.webContents.id) return;
    if (message === 'retry') void this.start();
    if (message === 'quit') this.quit();
  };
}
