// The tray's menu as data: what it says about the daemon and what each item does. Built fresh on every status
// change (Electron menus are immutable once set).
import type { MenuItemConstructorOptions } from 'electron';

export type DaemonStatusView =
  | { state: 'starting' }
  | { state: 'running'; pid: number | undefined; version: string }
  /** The daemon was running and its pipe went away: the app's subscriptions keep trying to reconnect. */
  | { state: 'reconnecting' }
  | { state: 'error'; title: string };

export interface TrayActions {
  openWindow(): void;
  openWebConsole(): void;
  quit(): void;
}

export function statusLabel(status: DaemonStatusView): string {
  switch (status.state) {
    case 'starting':
      return 'Daemon: starting…';
    case 'running':
      return `Daemon: running${status.pid ? ` (pid ${status.pid})` : ''}, v${status.version}`;
    case 'reconnecting':
      return 'Daemon: not reachable, reconnecting…';
    case 'error':
      return `Daemon: ${status.title}`;
  }
}

export function trayMenuTemplate(status: DaemonStatusView, actions: TrayActions): MenuItemConstructorOptions[] {
  const running = status.state === 'running';
  return [
    { label: statusLabel(status), enabled: false },
    { type: 'separator' },
    { label: 'Open RestFlow', click: actions.openWindow },
    { label: 'Open web console', enabled: running, click: actions.openWebConsole },
    { type: 'separator' },
    // The daemon keeps running (scheduled tasks go on), as after a CLI command.
    { label: 'Quit RestFlow (daemon keeps running)', click: actions.quit },
  ];
}
