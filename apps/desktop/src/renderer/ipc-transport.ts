// The desktop window's transport for the shared console: every call goes over IPC to main, which forwards it
// to the daemon. Main owns the daemon connection (and re-subscribes after a daemon restart), so from the
// page's point of view the connection is open from the start.
import { ipcLink } from '@restflow/electron-trpc/renderer';
import type { AppRouter, ConsoleTransport } from '@restflow/ui';
import superjson from 'superjson';

export const ipcTransport: ConsoleTransport = {
  links(callbacks) {
    queueMicrotask(callbacks.onOpen);
    return [ipcLink<AppRouter>({ transformer: superjson })];
  },
  probe: async () => 'signed-in',
};
