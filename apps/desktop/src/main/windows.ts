// The app's windows: locked-down web preferences, local files only, and links to the web opened in the
// system browser instead of inside the app.
import { BrowserWindow, shell } from 'electron';
import type { StartupErrorModel } from './error-model.ts';

export interface AppFiles {
  /** The bundled preload (CommonJS, runs sandboxed). */
  preload: string;
  /** The console renderer's index.html. */
  renderer: string;
  /** The start-up error page. */
  errorPage: string;
  trayIcon: string;
}

export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  nodeIntegration: false,
  sandbox: true,
  webSecurity: true,
  allowRunningInsecureContent: false,
} as const;

/** Only http(s) and mailto leave the app, and only to the system's handler. */
export function isExternalUrl(url: string): boolean {
  return /^(https?:|mailto:)/i.test(url);
}

/** Nothing navigates the window away from its local page; web links go to the browser. */
function keepContentLocal(window: BrowserWindow): void {
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => {
    if (event.url.startsWith('file:')) return;
    event.preventDefault();
    if (isExternalUrl(event.url)) void shell.openExternal(event.url);
  });
}

function createWindow(files: AppFiles, title: string, size: { width: number; height: number }): BrowserWindow {
  const window = new BrowserWindow({
    ...size,
    title,
    show: true,
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: files.preload },
  });
  keepContentLocal(window);
  return window;
}

/** `route` is a console path such as `/settings?approval=…` (the renderer routes on the URL hash). */
export function openConsoleWindow(files: AppFiles, route = '/'): BrowserWindow {
  const window = createWindow(files, 'RestFlow', { width: 1280, height: 820 });
  void window.loadFile(files.renderer, { hash: route });
  return window;
}

export function showRoute(window: BrowserWindow, files: AppFiles, route: string): void {
  void window.loadFile(files.renderer, { hash: route });
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

export function openErrorWindow(files: AppFiles, model: StartupErrorModel): BrowserWindow {
  const window = createWindow(files, 'RestFlow', { width: 640, height: 420 });
  void window.loadFile(files.errorPage, {
    query: { title: model.title, message: model.message, log: model.log_path },
  });
  return window;
}
