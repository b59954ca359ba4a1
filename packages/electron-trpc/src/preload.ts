// Preload side: the page gets exactly two functions on `window.electronTRPC`, never ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_KEY, ELECTRON_TRPC_CHANNEL, type ElectronTRPCBridge, type MainMessage } from './protocol.ts';

export function exposeElectronTRPC(): void {
  const bridge: ElectronTRPCBridge = {
    sendMessage: (message) => ipcRenderer.send(ELECTRON_TRPC_CHANNEL, message),
    onMessage: (callback) => {
      ipcRenderer.on(ELECTRON_TRPC_CHANNEL, (_event, message: MainMessage) => callback(message));
    },
  };
  contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
}
