// biome-ignore-all lint/suspicious/noExplicitAny: Electron declares listener arguments as any[]
// The part of Electron's API that RestFlow's desktop code uses, declared here because the `electron` package is
// not installed: its install script downloads the Electron binary, which a clean CI machine cannot do. The
// shapes are Electron's own (a subset); with the real package installed, drop this file from the tsconfigs.
declare module 'electron' {
  import type { EventEmitter } from 'node:events';

  interface IpcMainEvent {
    sender: WebContents;
  }
  interface IpcRendererEvent {
    sender: unknown;
  }
  interface IpcMain extends EventEmitter {
    on(channel: string, listener: (event: IpcMainEvent, ...args: any[]) => void): this;
    removeListener(channel: string, listener: (...args: any[]) => void): this;
  }
  interface IpcRenderer extends EventEmitter {
    send(channel: string, ...args: unknown[]): void;
    on(channel: string, listener: (event: IpcRendererEvent, ...args: any[]) => void): this;
  }
  interface ContextBridge {
    exposeInMainWorld(apiKey: string, api: unknown): void;
  }
  interface HandlerDetails {
    url: string;
  }
  interface WebContents extends EventEmitter {
    id: number;
    send(channel: string, ...args: unknown[]): void;
    isDestroyed(): boolean;
    setWindowOpenHandler(handler: (details: HandlerDetails) => { action: 'allow' | 'deny' }): void;
    on(event: 'destroyed', listener: () => void): this;
    on(
      event: 'did-start-navigation',
      listener: (details: { url: string; isSameDocument: boolean; isMainFrame: boolean }) => void,
    ): this;
    on(event: 'will-navigate', listener: (event: { preventDefault(): void; url: string }) => void): this;
    on(event: string, listener: (...args: any[]) => void): this;
  }
  interface WebPreferences {
    preload?: string;
    contextIsolation?: boolean;
    nodeIntegration?: boolean;
    sandbox?: boolean;
    webSecurity?: boolean;
    allowRunningInsecureContent?: boolean;
  }
  interface BrowserWindowConstructorOptions {
    width?: number;
    height?: number;
    title?: string;
    show?: boolean;
    webPreferences?: WebPreferences;
  }
  class BrowserWindow extends EventEmitter {
    constructor(options?: BrowserWindowConstructorOptions);
    static getAllWindows(): BrowserWindow[];
    webContents: WebContents;
    loadFile(filePath: string, options?: { hash?: string; query?: Record<string, string> }): Promise<void>;
    show(): void;
    focus(): void;
    close(): void;
    isDestroyed(): boolean;
    isMinimized(): boolean;
    restore(): void;
  }
  interface MenuItemConstructorOptions {
    label?: string;
    type?: 'normal' | 'separator';
    enabled?: boolean;
    click?: () => void;
  }
  class Menu {
    static buildFromTemplate(template: MenuItemConstructorOptions[]): Menu;
    static setApplicationMenu(menu: Menu | null): void;
    items: MenuItemConstructorOptions[];
  }
  class Tray extends EventEmitter {
    constructor(image: NativeImage | string);
    setContextMenu(menu: Menu | null): void;
    setToolTip(toolTip: string): void;
    destroy(): void;
  }
  interface NativeImage {
    isEmpty(): boolean;
  }
  const nativeImage: { createFromPath(path: string): NativeImage; createEmpty(): NativeImage };
  interface NotificationConstructorOptions {
    title: string;
    body?: string;
    silent?: boolean;
  }
  class Notification extends EventEmitter {
    constructor(options: NotificationConstructorOptions);
    static isSupported(): boolean;
    title: string;
    body: string;
    show(): void;
    close(): void;
    on(event: 'click', listener: () => void): this;
  }
  interface Shell {
    openExternal(url: string): Promise<void>;
  }
  interface Session {
    setPermissionRequestHandler(handler: ((...args: any[]) => void) | null): void;
    webRequest: {
      onHeadersReceived(
        listener: (
          details: { responseHeaders?: Record<string, string[]> },
          callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
        ) => void,
      ): void;
    };
  }
  interface App extends EventEmitter {
    whenReady(): Promise<void>;
    quit(): void;
    requestSingleInstanceLock(): boolean;
    getPath(name: 'userData' | 'logs' | 'home'): string;
    isPackaged: boolean;
    on(event: 'second-instance' | 'window-all-closed' | 'activate' | 'before-quit', listener: () => void): this;
    on(event: string, listener: (...args: any[]) => void): this;
  }
  const app: App;
  const ipcMain: IpcMain;
  const ipcRenderer: IpcRenderer;
  const contextBridge: ContextBridge;
  const shell: Shell;
  const session: { defaultSession: Session };
}
