// The worker's DaemonLink over the daemon's HTTP API (the one router, an API token): a worker never opens the
// database, it registers, claims, reports and settles through workers.* like any other client.
import { type createHttpRestflowClient, TRPCClientError } from '@restflow/api/client';
import type { ClaimAnswer, ReportAnswer } from '@restflow/core';
import { type DaemonLink, RunLostError, WorkerUnknownError } from '@restflow/core/worker-runtime';

type Client = ReturnType<typeof createHttpRestflowClient>;
type SettleResult = Parameters<Client['workers']['runs']['settle']['mutate']>[0]['result'];
type ReportedEvents = Parameters<Client['workers']['events']['add']['mutate']>[0]['events'];

const notFound = (error: unknown) => error instanceof TRPCClientError && error.data?.code === 'NOT_FOUND';

/** The daemon's answers for a run no longer this worker's (workers.* refuse it CONFLICT or FORBIDDEN). */
const RUN_LOST_CODES = new Set(['CONFLICT', 'FORBIDDEN']);

/** `call`, its refusal for a run no longer this worker's told apart from a call that went wrong. */
async function forOwnRun<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = error instanceof TRPCClientError ? error.data?.code : undefined;
    throw code && RUN_LOST_CODES.has(code) ? new RunLostError((error as Error).message) : error;
  }
}

export function httpDaemonLink(client: Client): DaemonLink {
  return {
    register: (hello) => client.workers.create.mutate(hello),
    heartbeat: async (id) => {
      try {
        await client.workers.update.mutate({ id });
      } catch (error) {
        throw notFound(error) ? new WorkerUnknownError(`the daemon no longer knows worker ${id}`) : error;
      }
    },
    deregister: async (id) => {
      await client.workers.delete.mutate({ id });
    },
    claim: (id, runId, jobId) =>
      client.workers.runs.claim.mutate({ worker_id: id, run_id: runId, job_id: jobId }) as Promise<ClaimAnswer>,
    report: (id, runId, seq, events) =>
      client.workers.events.add.mutate({
        worker_id: id,
        run_id: runId,
        seq,
        events: events as ReportedEvents,
      }) as Promise<ReportAnswer>,
    settle: (id, runId, result) =>
      client.workers.runs.settle.mutate({ worker_id: id, run_id: runId, result: result as SettleResult }),
    callTool: (id, runId, call, waitMs) =>
      forOwnRun(() =>
        client.workers.tools.invoke.mutate({
          worker_id: id,
          run_id: runId,
          call_id: call.id,
          name: call.name,
          arguments: call.arguments,
          wait_ms: waitMs,
        }),
      ),
    requestApproval: (id, runId, request) =>
      forOwnRun(() => client.workers.approvals.create.mutate({ worker_id: id, run_id: runId, ...request })),
    waitApproval: (id, runId, approvalId, waitMs) =>
      forOwnRun(() =>
        client.workers.approvals.wait.query({
          worker_id: id,
          run_id: runId,
          approval_id: approvalId,
          wait_ms: waitMs,
        }),
      ),
  };
}
