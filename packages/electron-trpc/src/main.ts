// Main side: receives each window's operations and forwards them through a tRPC client (in RestFlow: the CLI's
// pipe link to the daemon, so main never runs the router and never opens the database). Replies go back to the
// window that asked, serialized again for IPC. Operations are keyed by window and id: ids collide across windows.
import { type TRPCClientError, TRPCClientError as TRPCClientErrorClass, type TRPCUntypedClient } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { ipcMain as electronIpcMain } from 'electron';
import superjson from 'superjson';
import { ELECTRON_TRPC_CHANNEL, type MainMessage, type OperationType, type RendererMessage } from './protocol.ts';

export { exposeElectronTRPC } from './preload.ts';
export { ELECTRON_TRPC_CHANNEL } from './protocol.ts';

/** Serializes what crosses IPC; must match the renderer link's transformer. */
export interface IpcTransformer {
  serialize(value: unknown): unknown;
  deserialize(value: unknown): unknown;
}

export interface CreateIPCHandlerOptions {
  /** Where every operation goes. Its link decodes outputs (so errors arrive as TRPCClientError with a shape). */
  client: TRPCUntypedClient<AnyRouter>;
  windows?: IpcWindow[];
  /** Which procedures a window may call (every one when absent): a window is less trusted than main. */
  isAllowed?: (path: string, type: OperationType) => boolean;
  transformer?: IpcTransformer;
  /** Electron's ipcMain unless given (tests). */
  ipcMain?: IpcMainLike;
}

// biome-ignore-start lint/suspicious/noExplicitAny: Electron types listener arguments as any
/** What main needs of a window's web contents (Electron's WebContents, or a test double). */
export interface IpcWebContents {
  id: number;
  send(channel: string, ...args: any[]): void;
  isDestroyed(): boolean;
  on(event: string, listener: (...args: any[]) => void): unknown;
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
}

/** What main needs of ipcMain. */
export interface IpcMainLike {
  on(channel: string, listener: (event: { sender: IpcWebContents }, ...args: any[]) => void): unknown;
  removeListener(channel: string, listener: (...args: any[]) => void): unknown;
}
// biome-ignore-end lint/suspicious/noExplicitAny: Electron types listener arguments as any

/** What main needs of a window: its web contents. */
export interface IpcWindow {
  webContents: IpcWebContents;
}

export interface IPCHandler {
  attachWindow(window: IpcWindow): void;
  detachWindow(window: IpcWindow): void;
  /** Operations in flight, over all windows (for tests and diagnostics). */
  activeOperations(): number;
  /** Stops listening and stops every operation. */
  dispose(): void;
}

const OPERATION_TYPES = new Set<OperationType>(['query', 'mutation', 'subscription']);

function isRendererMessage(value: unknown): value is RendererMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  if (message.method === 'stop') return Number.isInteger(message.id);
  if (message.method !== 'request' || typeof message.operation !== 'object' || message.operation === null) return false;
  const op = message.operation as Record<string, unknown>;
  return Number.isInteger(op.id) && typeof op.path === 'string' && OPERATION_TYPES.has(op.type as OperationType);
}

type ErrorKey = keyof typeof TRPC_ERROR_CODES_BY_KEY;

function shapeOf(key: ErrorKey, httpStatus: number, message: string, path: string) {
  return { message, code: TRPC_ERROR_CODES_BY_KEY[key], data: { code: key, httpStatus, path } };
}

/** The error as the window should see it: the server's own shape, or one made for a failure on the way. */
function errorShape(error: unknown, path: string): unknown {
  if (error instanceof TRPCClientErrorClass && (error as TRPCClientError<AnyRouter>).shape) {
    return (error as TRPCClientError<AnyRouter>).shape;
  }
  // No shape: the request never got an answer (daemon down, connection lost).
  const message = error instanceof Error ? error.message : String(error);
  return shapeOf('SERVICE_UNAVAILABLE', 503, message, path);
}

export function createIPCHandler(options: CreateIPCHandlerOptions): IPCHandler {
  const ipc: IpcMainLike = options.ipcMain ?? electronIpcMain;
  const transformer: IpcTransformer = options.transformer ?? {
    serialize: (value) => superjson.serialize(value),
    deserialize: (value) => superjson.deserialize(value as Parameters<typeof superjson.deserialize>[0]),
  };
  const { client } = options;
  const attached = new Map<number, { webContents: IpcWebContents; detach: () => void }>();
  /** `${webContents.id}:${operation id}` → how to stop it. */
  const operations = new Map<string, () => void>();

  const stopAllOf = (webContentsId: number) => {
    const prefix = `${webContentsId}:`;
    for (const [key, stop] of [...operations]) {
      if (!key.startsWith(prefix)) continue;
      operations.delete(key);
      stop();
    }
  };

  const handleRequest = (sender: IpcWebContents, message: Extract<RendererMessage, { method: 'request' }>) => {
    const { id, type, path } = message.operation;
    const key = `${sender.id}:${id}`;
    if (operations.has(key)) return;
    const reply = (out: MainMessage) => {
      if (!sender.isDestroyed()) sender.send(ELECTRON_TRPC_CHANNEL, out);
    };
    const fail = (shape: unknown) => reply({ id, error: transformer.serialize(shape) });
    if (options.isAllowed && !options.isAllowed(path, type)) {
      fail(shapeOf('FORBIDDEN', 403, `the desktop window may not call ${path}`, path));
      return;
    }
    let input: unknown;
    try {
      input = transformer.deserialize(message.operation.input);
    } catch {
      fail(shapeOf('BAD_REQUEST', 400, 'the input could not be decoded', path));
      return;
    }
    // Still ours: not stopped by the window (or its destruction) meanwhile.
    const live = (stop: () => void) => operations.get(key) === stop;

    if (type === 'subscription') {
      let stoppedByWindow = false;
      let ended = false;
      let subscription: { unsubscribe(): void } | undefined;
      const stop = () => {
        stoppedByWindow = true;
        subscription?.unsubscribe();
      };
      const end = () => {
        ended = true;
        if (operations.get(key) === stop) operations.delete(key);
      };
      subscription = client.subscription(path, input, {
        onStarted: () => reply({ id, result: { type: 'started' } }),
        // A tracked() event arrives as a plain { id, data } object: nothing with a Symbol reaches IPC.
        onData: (data: unknown) => reply({ id, result: { type: 'data', data: transformer.serialize(data) } }),
        onError: (error: unknown) => {
          if (stoppedByWindow) return;
          end();
          fail(errorShape(error, path));
        },
        onComplete: () => {
          if (stoppedByWindow) return;
          end();
          reply({ id, result: { type: 'stopped' } });
        },
      });
      // It may have ended synchronously (a closed client): only a live subscription is registered.
      if (!ended) operations.set(key, stop);
      return;
    }

    const controller = new AbortController();
    const stop = () => controller.abort();
    operations.set(key, stop);
    const call =
      type === 'query'
        ? client.query(path, input, { signal: controller.signal })
        : client.mutation(path, input, { signal: controller.signal });
    call.then(
      (data) => {
        if (!live(stop)) return;
        operations.delete(key);
        reply({ id, result: { type: 'data', data: transformer.serialize(data) } });
      },
      (error: unknown) => {
        if (!live(stop)) return;
        operations.delete(key);
        fail(errorShape(error, path));
      },
    );
  };

  const onMessage = (event: { sender: IpcWebContents }, message: unknown) => {
    const sender = event.sender;
    // Only windows main attached may call; anything else on the channel is ignored.
    if (!attached.has(sender.id) || !isRendererMessage(message)) return;
    if (message.method === 'stop') {
      const key = `${sender.id}:${message.id}`;
      const stop = operations.get(key);
      operations.delete(key);
      stop?.();
      return;
    }
    handleRequest(sender, message);
  };
  ipc.on(ELECTRON_TRPC_CHANNEL, onMessage);

  const handler: IPCHandler = {
    attachWindow(window) {
      const { webContents } = window;
      if (attached.has(webContents.id)) return;
      const onDestroyed = () => {
        stopAllOf(webContents.id);
        attached.delete(webContents.id);
      };
      // A reload starts a new page: the old page's operations have nobody to deliver to.
      const onNavigation = (details: { isSameDocument: boolean; isMainFrame: boolean }) => {
        if (details.isMainFrame && !details.isSameDocument) stopAllOf(webContents.id);
      };
      webContents.on('destroyed', onDestroyed);
      webContents.on('did-start-navigation', onNavigation);
      attached.set(webContents.id, {
        webContents,
        detach: () => {
          webContents.removeListener('destroyed', onDestroyed);
          webContents.removeListener('did-start-navigation', onNavigation);
        },
      });
    },
    detachWindow(window) {
      const entry = attached.get(window.webContents.id);
      if (!entry) return;
      entry.detach();
      attached.delete(window.webContents.id);
      stopAllOf(window.webContents.id);
    },
    activeOperations: () => operations.size,
    dispose() {
      ipc.removeListener(ELECTRON_TRPC_CHANNEL, onMessage as never);
      for (const entry of attached.values()) entry.detach();
      for (const id of [...attached.keys()]) stopAllOf(id);
      attached.clear();
    },
  };
  for (const window of options.windows ?? []) handler.attachWindow(window);
  return handler;
}
