// Renderer side: a tRPC link that sends each operation over the preload's bridge and maps main's replies back
// to tRPC results and errors. Inputs are serialized and outputs deserialized here, with the client's transformer.
import { TRPCClientError, type TRPCLink } from '@trpc/client';
import { getTransformer, type TransformerOptions } from '@trpc/client/unstable-internals';
import { type Observer, observable } from '@trpc/server/observable';
import type { AnyRouter, inferClientTypes } from '@trpc/server/unstable-core-do-not-import';
import { BRIDGE_KEY, type ElectronTRPCBridge, type MainMessage, type OperationType } from './protocol.ts';

export type { ElectronTRPCBridge } from './protocol.ts';

export type IpcLinkOptions<TRouter extends AnyRouter> = TransformerOptions<inferClientTypes<TRouter>> & {
  /** The preload's bridge; defaults to `window.electronTRPC` (what `exposeElectronTRPC()` exposes). */
  bridge?: ElectronTRPCBridge;
};

interface Pending {
  type: OperationType;
  // biome-ignore lint/suspicious/noExplicitAny: the observer type is the link's, parameterised by the router
  observer: Observer<any, TRPCClientError<AnyRouter>>;
}

type Transformer = ReturnType<typeof getTransformer>;

/** One bridge listener for every operation of a page; ids count up per page. */
class IpcClient {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly bridge: ElectronTRPCBridge,
    private readonly transformer: Transformer,
  ) {
    bridge.onMessage((message) => this.onMessage(message));
  }

  start(type: OperationType, path: string, input: unknown, observer: Pending['observer']): number {
    const id = this.nextId++;
    this.pending.set(id, { type, observer });
    this.bridge.sendMessage({
      method: 'request',
      operation: { id, type, path, input: this.transformer.input.serialize(input) },
    });
    return id;
  }

  /** Forgets `id`; tells main to stop it unless main already finished it. */
  stop(id: number): void {
    if (this.pending.delete(id)) this.bridge.sendMessage({ method: 'stop', id });
  }

  private onMessage(message: MainMessage): void {
    const entry = this.pending.get(message.id);
    if (!entry) return;
    if ('error' in message) {
      this.pending.delete(message.id);
      const shape = this.transformer.output.deserialize(message.error);
      entry.observer.error(TRPCClientError.from({ error: shape } as never));
      return;
    }
    const { result } = message;
    if (result.type === 'started') {
      entry.observer.next({ result: { type: 'started' } });
    } else if (result.type === 'stopped') {
      this.pending.delete(message.id);
      entry.observer.complete();
    } else {
      const data = this.transformer.output.deserialize(result.data);
      entry.observer.next({ result: { type: 'data', data } });
      if (entry.type !== 'subscription') {
        this.pending.delete(message.id);
        entry.observer.complete();
      }
    }
  }
}

function defaultBridge(): ElectronTRPCBridge {
  const bridge = (globalThis as Record<string, unknown>)[BRIDGE_KEY] as ElectronTRPCBridge | undefined;
  if (!bridge) throw new Error(`window.${BRIDGE_KEY} is missing: call exposeElectronTRPC() in the preload script`);
  return bridge;
}

export function ipcLink<TRouter extends AnyRouter>(options: IpcLinkOptions<TRouter>): TRPCLink<TRouter> {
  const transformer = getTransformer(options.transformer);
  return () => {
    const client = new IpcClient(options.bridge ?? defaultBridge(), transformer);
    return ({ op }) =>
      observable((observer) => {
        if (op.signal?.aborted) {
          observer.error(TRPCClientError.from(new Error('The operation was aborted')));
          return () => {};
        }
        const id = client.start(op.type, op.path, op.input, observer);
        const onAbort = () => {
          client.stop(id);
          observer.error(TRPCClientError.from(new Error('The operation was aborted')));
        };
        op.signal?.addEventListener('abort', onAbort, { once: true });
        return () => {
          op.signal?.removeEventListener('abort', onAbort);
          client.stop(id);
        };
      });
  };
}
