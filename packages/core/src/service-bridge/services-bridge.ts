// The daemon's services on a thread of their own, reached from the API's thread through a MessagePort (Comlink:
// one message per call, whatever the depth of `services.security.approvals.list`). Besides plain data, a call
// carries what the services take and give: errors rebuilt as their own classes (errors-across.ts), streams as
// async iterables (streams-across.ts) and abort signals (signals-across.ts).
import type { MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/umd/node-adapter.js';
import type { DomainServices } from '../services.ts';
import type { ServicesAnywhere } from '../services-anywhere.ts';
import { type ErrorAcross, errorFromData, errorToData } from './errors-across.ts';
import { hasSignalOption, type SignalAcross, signalFromData, signalToData } from './signals-across.ts';
import { isAsyncIterable, streamFromPort, streamToPort } from './streams-across.ts';

let handlersSet = false;

/** Comlink's transfer handlers are its module's: set once per thread, before the first call either way. */
function setTransferHandlers(): void {
  if (handlersSet) return;
  handlersSet = true;
  const thrown = Comlink.transferHandlers.get('throw');
  if (!thrown) throw new Error('comlink has no "throw" transfer handler');
  Comlink.transferHandlers.set('throw', {
    canHandle: thrown.canHandle as (value: unknown) => value is { value: unknown },
    serialize: ({ value }: { value: unknown }) => [errorToData(value), []],
    deserialize: (data: unknown) => {
      throw errorFromData(data as ErrorAcross);
    },
  } satisfies Comlink.TransferHandler<{ value: unknown }, ErrorAcross>);
  Comlink.transferHandlers.set('stream', {
    canHandle: isAsyncIterable,
    serialize: (stream) => {
      const port = streamToPort(stream);
      return [port, [port]];
    },
    deserialize: (port) => streamFromPort(port),
  } satisfies Comlink.TransferHandler<AsyncIterable<unknown>, MessagePort>);
  Comlink.transferHandlers.set('signal', {
    canHandle: (value): value is AbortSignal => value instanceof AbortSignal,
    serialize: (signal) => {
      const data = signalToData(signal);
      return [data, [data.port]];
    },
    deserialize: signalFromData,
  } satisfies Comlink.TransferHandler<AbortSignal, SignalAcross>);
  Comlink.transferHandlers.set('options-with-signal', {
    canHandle: hasSignalOption,
    serialize: ({ signal, ...rest }) => {
      const data = signalToData(signal);
      return [{ rest, signal: data }, [data.port]];
    },
    deserialize: ({ rest, signal }) => ({ ...rest, signal: signalFromData(signal) }),
  } satisfies Comlink.TransferHandler<{ signal: AbortSignal }, { rest: object; signal: SignalAcross }>);
}

/** Answers calls to `services` arriving on `port` (the services' thread). */
export function exposeServices(services: DomainServices, port: MessagePort): void {
  setTransferHandlers();
  Comlink.expose(services, nodeEndpoint(port));
}

/** The services answering on the other end of `port`, for the API's procedures (the transports' thread). */
export function servicesOnPort(port: MessagePort): ServicesAnywhere {
  setTransferHandlers();
  return Comlink.wrap<DomainServices>(nodeEndpoint(port)) as unknown as ServicesAnywhere;
}
