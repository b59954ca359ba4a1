// The worker's link tells the daemon's refusals of a run no longer the worker's (CONFLICT: cancelled or ended;
// FORBIDDEN: claimed by another) apart from other errors: those end the run on the worker at once (RunLostError),
// the others fail the one call (apps/daemon/src/worker/http-daemon-link.ts).
import { describe, expect, it } from '@jest/globals';
import { TRPCClientError } from '@restflow/api/client';
import { RunLostError } from '@restflow/core/worker-runtime';
import { httpDaemonLink } from '../src/worker/http-daemon-link.ts';

/** A tRPC client error as the HTTP link gets it from the daemon. */
const refused = (code: string) =>
  TRPCClientError.from({ error: { code: -32000, message: `refused ${code}`, data: { code } } } as never);

/** A client whose three run-scoped procedures all fail with `error`. */
function clientFailingWith(error: unknown) {
  const fail = async () => {
    throw error;
  };
  return {
    workers: {
      tools: { invoke: { mutate: fail } },
      approvals: { create: { mutate: fail }, wait: { query: fail } },
    },
  } as never;
}

const calls = (link: ReturnType<typeof httpDaemonLink>) => [
  () => link.callTool('w', 'r', { id: 'c', name: 'memory_search', arguments: '{}' }, 100),
  () => link.requestApproval('w', 'r', { command: 'ls' }),
  () => link.waitApproval('w', 'r', 'a', 100),
];

describe("the worker's HTTP link", () => {
  it.each(['CONFLICT', 'FORBIDDEN'])('turns %s on a run-scoped call into RunLostError', async (code) => {
    for (const call of calls(httpDaemonLink(clientFailingWith(refused(code))))) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunLostError);
      expect((error as Error).message).toBe(`refused ${code}`);
    }
  });

  it('passes other errors on as they are', async () => {
    for (const cause of [refused('NOT_FOUND'), refused('INTERNAL_SERVER_ERROR'), new Error('socket hang up')]) {
      for (const call of calls(httpDaemonLink(clientFailingWith(cause)))) {
        await expect(call()).rejects.toBe(cause);
      }
    }
  });
});
