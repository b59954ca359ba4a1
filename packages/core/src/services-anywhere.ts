// The services as the API's procedures see them: on the daemon's thread or on another one. A method of a service
// on another thread answers with a Promise, so procedures await every answer and never rely on one being there
// synchronously; services on the same thread satisfy this type as they are.
import type { DomainServices } from './services.ts';

type Method = (...args: never[]) => unknown;

/** `T` with every method and value (at any depth) free to answer later. */
export type AnswersLater<T> = {
  readonly [K in keyof T]: T[K] extends Method
    ? (...args: Parameters<T[K]>) => ReturnType<T[K]> | Promise<Awaited<ReturnType<T[K]>>>
    : T[K] extends object
      ? AnswersLater<T[K]>
      : T[K] | Promise<T[K]>;
};

export type ServicesAnywhere = AnswersLater<DomainServices>;
