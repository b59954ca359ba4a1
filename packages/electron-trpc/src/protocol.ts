// The messages on the one IPC channel between a window and main. Every payload is plain JSON (inputs, outputs
// and error shapes are transformer-serialized first), so it survives Electron's structured clone and the
// context bridge unchanged.

export const ELECTRON_TRPC_CHANNEL = 'electron-trpc';

export type OperationType = 'query' | 'mutation' | 'subscription';

export type RendererMessage =
  | {
      method: 'request';
      operation: { id: number; type: OperationType; path: string; input: unknown };
    }
  /** The renderer no longer wants this operation (unsubscribed, aborted, or its result is of no use). */
  | { method: 'stop'; id: number };

export type MainMessage =
  | { id: number; result: { type: 'started' } | { type: 'stopped' } | { type: 'data'; data: unknown } }
  | { id: number; error: unknown };

/** What `exposeElectronTRPC()` puts on the page as `window.electronTRPC`. */
export interface ElectronTRPCBridge {
  sendMessage(message: RendererMessage): void;
  onMessage(callback: (message: MainMessage) => void): void;
}

export const BRIDGE_KEY = 'electronTRPC';
