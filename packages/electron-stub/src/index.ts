// biome-ignore-all lint/suspicious/noExplicitAny: mirrors Electron, whose listener arguments and options are any
// A stand-in for the `electron` module, for tests (Electron itself cannot run here). It behaves like Electron
// where the desktop code depends on it: IPC payloads are structuredClone'd (functions, Symbols and class
// instances do not survive, exactly as in Electron) and delivered asynchronously; windows can be destroyed and
// reloaded; menus, tray, notifications, shell and app calls are recorded so tests can read and click them.
import { EventEmitter } from 'node:events';

type Listener = (...args: any[]) => void;

const deliver = (fn: () => void) => setImmediate(fn);

/**
 * Electron's structured clone: throws on what cannot be cloned (functions, Symbols), drops prototypes. Jest
 * runs tests in a vm context while Node's structuredClone builds its copy in the outer realm, where `{}` has
 * another Object.prototype (superjson would then not recognise plain objects): the copy is rebuilt here.
 */
export function ipcClone<T>(value: T): T {
  return localRealm(structuredClone(value)) as T;
}

function localRealm(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(localRealm);
  switch (Object.prototype.toString.call(value)) {
    case '[object Date]':
      return new Date((value as Date).getTime());
    case '[object Map]':
      return new Map([...(value as Map<unknown, unknown>)].map(([k, v]) => [localRealm(k), localRealm(v)]));
    case '[object Set]':
      return new Set([...(value as Set<unknown>)].map(localRealm));
    case '[object Object]':
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localRealm(v)]));
    default:
      return value;
  }
}

let nextWebContentsId = 1;

/** The renderer side of one window: what its preload sees as `ipcRenderer`, and what it exposed. */
class RendererSide extends EventEmitter {
  /** `contextBridge.exposeInMainWorld` results, keyed by api name (the page's `window[key]`). */
  readonly world: Record<string, unknown> = {};
  constructor(readonly webContents: StubWebContents) {
    super();
  }
  send(channel: string, ...args: unknown[]): void {
    // Cloned at send time, as Electron serialises before the call returns (a DataCloneError throws here).
    const cloned = args.map((arg) => ipcClone(arg));
    deliver(() => {
      if (this.webContents.isDestroyed()) return;
      ipcMain.emit(channel, { sender: this.webContents }, ...cloned);
    });
  }
}

export class StubWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly renderer: RendererSide = new RendererSide(this);
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | undefined;
  private destroyed = false;

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const cloned = args.map((arg) => ipcClone(arg));
    deliver(() => {
      if (!this.destroyed) this.renderer.emit(channel, { sender: null }, ...cloned);
    });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  /** A full reload: the page's listeners are gone, main sees a new main-frame navigation. */
  reload(): void {
    this.renderer.removeAllListeners();
    this.emit('did-start-navigation', { url: 'file:///reload', isSameDocument: false, isMainFrame: true });
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.renderer.removeAllListeners();
    this.emit('destroyed');
  }
}

const windows = new Set<BrowserWindow>();

export class BrowserWindow extends EventEmitter {
  static getAllWindows(): BrowserWindow[] {
    return [...windows];
  }
  readonly webContents = new StubWebContents();
  loaded: { file: string; options?: unknown } | undefined;
  visible: boolean;
  focused = 0;
  private destroyed = false;

  constructor(readonly options: Record<string, any> = {}) {
    super();
    this.visible = options.show !== false;
    windows.add(this);
  }
  async loadFile(file: string, options?: unknown): Promise<void> {
    this.loaded = { file, options };
  }
  show(): void {
    this.visible = true;
  }
  focus(): void {
    this.focused++;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    windows.delete(this);
    this.webContents.destroy();
    this.emit('closed');
  }
}

export interface StubMenuItem {
  label?: string;
  type?: 'normal' | 'separator';
  enabled?: boolean;
  click?: () => void;
}

export class Menu {
  static applicationMenu: Menu | null = null;
  static buildFromTemplate(template: StubMenuItem[]): Menu {
    return new Menu(template);
  }
  static setApplicationMenu(menu: Menu | null): void {
    Menu.applicationMenu = menu;
  }
  constructor(readonly items: StubMenuItem[]) {}
}

export class Tray extends EventEmitter {
  static instances: Tray[] = [];
  menu: Menu | null = null;
  toolTip = '';
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    Tray.instances.push(this);
  }
  setContextMenu(menu: Menu | null): void {
    this.menu = menu;
  }
  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export const nativeImage = {
  createFromPath: (path: string) => ({ path, isEmpty: () => false }),
  createEmpty: () => ({ isEmpty: () => true }),
};

export class Notification extends EventEmitter {
  static shown: Notification[] = [];
  static isSupported(): boolean {
    return true;
  }
  title: string;
  body: string;
  constructor(options: { title: string; body?: string }) {
    super();
    this.title = options.title;
    this.body = options.body ?? '';
  }
  show(): void {
    Notification.shown.push(this);
  }
  close(): void {}
}

export const shell = {
  opened: [] as string[],
  async openExternal(url: string): Promise<void> {
    shell.opened.push(url);
  },
};

class StubApp extends EventEmitter {
  isPackaged = false;
  quitCalls = 0;
  singleInstance = true;
  paths: Record<string, string> = {};
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  quit(): void {
    this.quitCalls++;
    this.emit('before-quit');
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstance;
  }
  getAppPath(): string {
    return '/tmp/restflow-desktop-stub/app';
  }
  getPath(name: string): string {
    return this.paths[name] ?? `/tmp/restflow-desktop-stub/${name}`;
  }
}
export const app = new StubApp();

export const ipcMain = new EventEmitter();

// The renderer-side modules act for the window whose preload is running (`stub.runPreload`).
let currentRenderer: RendererSide | undefined;
function renderer(): RendererSide {
  if (!currentRenderer) throw new Error('electron stub: ipcRenderer used outside stub.runPreload()');
  return currentRenderer;
}

export const ipcRenderer = {
  send: (channel: string, ...args: unknown[]) => renderer().send(channel, ...args),
  on(channel: string, listener: Listener) {
    renderer().on(channel, listener);
    return ipcRenderer;
  },
  removeListener(channel: string, listener: Listener) {
    renderer().removeListener(channel, listener);
    return ipcRenderer;
  },
};

function runIn<T>(side: RendererSide, fn: () => T): T {
  const previous = currentRenderer;
  currentRenderer = side;
  try {
    return fn();
  } finally {
    currentRenderer = previous;
  }
}

/** A value crossing the context bridge: functions become proxies that run in their own world, data is copied. */
function acrossBridge(value: unknown, side: RendererSide | undefined): unknown {
  if (typeof value === 'function') {
    const fn = value as (...args: unknown[]) => unknown;
    return (...args: unknown[]) => {
      const copied = args.map((arg) => acrossBridge(arg, undefined));
      return side ? runIn(side, () => fn(...copied)) : fn(...copied);
    };
  }
  if (value !== null && typeof value === 'object' && Object.values(value).some((v) => typeof v === 'function')) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, acrossBridge(v, side)]));
  }
  return ipcClone(value);
}

export const contextBridge = {
  /** Like Electron's: the page gets copies, and calling an exposed function runs it in the preload's world. */
  exposeInMainWorld(key: string, api: unknown): void {
    const side = renderer();
    side.world[key] = acrossBridge(api, side);
  },
};

export const session = {
  defaultSession: {
    permissionHandler: undefined as unknown,
    headerListener: undefined as unknown,
    setPermissionRequestHandler(handler: unknown) {
      this.permissionHandler = handler;
    },
    webRequest: {
      onHeadersReceived(listener: unknown) {
        session.defaultSession.headerListener = listener;
      },
    },
  },
};

/** Test controls (not part of Electron's API). */
export const stub = {
  /** Runs a preload script for `window`; returns what it exposed to the page (`window.<key>`). */
  runPreload(window: BrowserWindow, preload: () => void): Record<string, unknown> {
    currentRenderer = window.webContents.renderer;
    try {
      preload();
    } finally {
      currentRenderer = undefined;
    }
    return window.webContents.renderer.world;
  },
  /** Forgets every window, tray, notification and recorded call (between tests). */
  reset(): void {
    for (const window of [...windows]) window.close();
    Tray.instances = [];
    Notification.shown = [];
    shell.opened = [];
    Menu.applicationMenu = null;
    app.quitCalls = 0;
    app.removeAllListeners();
    ipcMain.removeAllListeners();
  },
};

export default {
  app,
  BrowserWindow,
  contextBridge,
  ipcMain,
  ipcRenderer,
  Menu,
  nativeImage,
  Notification,
  session,
  shell,
  Tray,
};
