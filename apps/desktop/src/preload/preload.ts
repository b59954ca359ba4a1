// The windows' preload (bundled as CommonJS: sandboxed preloads cannot load modules). The page gets the tRPC
// bridge and the error page's two actions; never ipcRenderer itself.
import { exposeElectronTRPC } from '@restflow/electron-trpc/preload';
import { contextBridge, ipcRenderer } from 'electron';

const DESKTOP_CHANNEL = 'restflow-desktop';

exposeElectronTRPC();
contextBridge.exposeInMainWorld('restflowDesktop', {
  retry: () => ipcRenderer.send(DESKTOP_CHANNEL, 'retry'),
  quit: () => ipcRenderer.send(DESKTOP_CHANNEL, 'quit'),
});
