// A connection handler whose code loads with its first connection; later ones get it at once.
import type net from 'node:net';

export function onFirstConnection(
  load: () => Promise<(socket: net.Socket) => void>,
): (socket: net.Socket) => void | Promise<void> {
  let handler: ((socket: net.Socket) => void) | undefined;
  let loading: Promise<(socket: net.Socket) => void> | undefined;
  return (socket) => {
    if (handler) {
      handler(socket);
      return;
    }
    loading ??= load().then((loaded) => {
      handler = loaded;
      return loaded;
    });
    // A failed load is tried again by the next connection.
    loading.catch(() => {
      loading = undefined;
    });
    return loading.then((loaded) => loaded(socket));
  };
}
