// In-process helpers for core and api tests: a fresh in-memory database, a clock the test controls, and a
// tRPC caller with no transport.
import { type ApiContext, appRouter, createCallerFactory, type DaemonControl, type TransportKind } from '@restflow/api';
import { createServices, ManualClock, type RestflowServices, type ServiceDeps } from '@restflow/core';
import { createDb } from '@restflow/db';
import { PROTOCOL_VERSION, RESTFLOW_VERSION } from '@restflow/paths';
import type { TRPCError } from '@trpc/server';

export * from './abuse-probes.ts';
export * from './fake-telegram.ts';
export * from './module-graph.ts';
export * from './process.ts';
export * from './redis.ts';
export * from './scripted-llm.ts';
export * from './wait.ts';
export * from './worker-process.ts';

export interface TestServices extends RestflowServices {
  clock: ManualClock;
}

export function createTestServices(overrides: Partial<ServiceDeps> = {}): TestServices {
  const clock = new ManualClock();
  const services = createServices({ db: createDb(':memory:'), clock, env: {}, ...overrides });
  return services as TestServices;
}

export function fakeDaemonControl(): DaemonControl & { shutdownRequests: string[] } {
  const shutdownRequests: string[] = [];
  return {
    shutdownRequests,
    status: () => ({
      pid: process.pid,
      version: RESTFLOW_VERSION,
      protocol_version: PROTOCOL_VERSION,
      started_at: 0,
      uptime_ms: 0,
      data_dir: '/tmp/restflow-test',
      transports: [],
      tools_sandbox: 'none',
      tools_sandbox_warning: 'tests run tools unsandboxed',
    }),
    shutdown: (reason) => {
      shutdownRequests.push(reason);
    },
  };
}

/** A typed caller of the whole router over fresh in-memory services. */
export function createTestCaller<S extends RestflowServices = TestServices>(
  services: S = createTestServices() as unknown as S,
  transport: TransportKind = 'local',
) {
  const daemon = fakeDaemonControl();
  const ctx: ApiContext = { services, daemon, transport };
  return { caller: createCallerFactory(appRouter)(ctx), services, daemon };
}

/** The error a call rejected with (fails the test if it resolved). */
export async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    return error as TRPCError;
  }
  throw new Error('expected the call to fail');
}
