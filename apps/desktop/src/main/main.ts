// Electron's entry (bundled to dist/main.mjs): one app instance, a strict CSP and no permissions for the
// window's content, then DesktopApp does the rest.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDataDir, resolvePaths } from '@restflow/paths';
import { app, session } from 'electron';
import { packagedDaemonEntry } from './daemon-startup.ts';
import { DesktopApp } from './desktop-app.ts';
import { loadSettings, settingsFile } from './settings.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Matches the renderer's meta tag: only the app's own files, no network, no inline script. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function daemonEnv(): NodeJS.ProcessEnv {
  // Electron's binary runs the daemon as plain Node.
  const env: NodeJS.ProcessEnv = { ELECTRON_RUN_AS_NODE: '1' };
  if (app.isPackaged) {
    // electron-builder.yml: the daemon bundle and its npm dependencies ship unpacked under the app, the web
    // console's static export under resources/web. From the repo the launcher finds apps/daemon itself.
    const resources = (process as NodeJS.Process & { resourcesPath: string }).resourcesPath;
    env.RESTFLOW_DAEMON_ENTRY = process.env.RESTFLOW_DAEMON_ENTRY ?? packagedDaemonEntry(app.getAppPath());
    env.RESTFLOW_WEB_DIR = process.env.RESTFLOW_WEB_DIR ?? path.join(resources, 'web');
  }
  return env;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const paths = resolvePaths(resolveDataDir());
  const desktop = new DesktopApp({
    paths,
    settings: loadSettings(settingsFile(paths.dataDir)),
    autoStart: process.env.RESTFLOW_NO_AUTOSTART !== '1',
    daemonEnv: daemonEnv(),
    files: {
      preload: path.join(here, 'preload.cjs'),
      renderer: path.join(here, 'renderer', 'index.html'),
      errorPage: path.join(here, 'renderer', 'error.html'),
      trayIcon: path.join(here, 'renderer', 'tray.png'),
    },
  });
  app.on('second-instance', () => desktop.openWindow());
  // macOS: clicking the dock icon with no window open.
  app.on('activate', () => desktop.openWindow());
  // The tray keeps the app alive with no window open.
  app.on('window-all-closed', () => {});
  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler(
      (_contents: unknown, _permission: unknown, callback: (ok: boolean) => void) => callback(false),
    );
    session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
      }),
    );
    void desktop.start();
  });
}
