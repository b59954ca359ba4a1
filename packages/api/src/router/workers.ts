import type { RemoteRunResult } from '@restflow/core';
import { z } from 'zod';
import {
  acceptedSchema,
  addRunEventsInput,
  callDaemonToolInput,
  claimAnswerSchema,
  claimRunInput,
  daemonToolAnswerSchema,
  deleteResultSchema,
  registeredWorkerSchema,
  registerWorkerInput,
  reportAnswerSchema,
  requestRunApprovalInput,
  runApprovalDecisionSchema,
  runApprovalSchema,
  runPlacementInput,
  runPlacementSchema,
  settleRunInput,
  waitRunApprovalInput,
  workerRefInput,
  workerSchema,
} from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

type ClaimAnswerWire = z.infer<typeof claimAnswerSchema>;
type ReportAnswerWire = z.infer<typeof reportAnswerSchema>;

/**
 * Remote workers under the queue backend (docs/workers.md). A worker calls these over HTTP with a full API token;
 * the run it takes stays the daemon's, which persists and publishes what the worker reports exactly as it does
 * for a run of its own.
 */
export const workersRouter = router({
  /** Registers a worker (its protocol must be the daemon's); the answer says how to reach the queue. */
  create: publicProcedure
    .input(registerWorkerInput)
    .output(registeredWorkerSchema)
    .mutation(({ ctx, input }) => ctx.services.workers.register(input)),

  /** The worker's heartbeat; NOT_FOUND once the daemon has given it up (it registers again). */
  update: publicProcedure
    .input(workerRefInput)
    .output(workerSchema)
    .mutation(({ ctx, input }) => ctx.services.workers.heartbeat(input.id)),

  /** A worker stopping: runs it still held end interrupted now rather than at the heartbeat timeout. */
  delete: publicProcedure
    .input(workerRefInput)
    .output(deleteResultSchema)
    .mutation(({ ctx, input }) => {
      ctx.services.workers.deregister(input.id);
      return { deleted: true as const, id: input.id };
    }),

  /** Registered workers, oldest first, with their live heartbeat and load; empty under the local backend. */
  list: publicProcedure.output(z.array(workerSchema)).query(({ ctx }) => ctx.services.workers.list()),

  /** Where a run executed: the daemon (`local`) or a worker, with the queue its job went through. */
  placement: publicProcedure
    .input(runPlacementInput)
    .output(runPlacementSchema)
    .query(({ ctx, input }) => ctx.services.workers.placement(ctx.services.runs.resolveId(input.run_id))),

  runs: router({
    /** Takes the run of a job the worker got from the queue; `gone` when it must not run (any more). */
    claim: publicProcedure
      .input(claimRunInput)
      .output(claimAnswerSchema)
      .mutation(
        async ({ ctx, input }) =>
          (await ctx.services.workers.claim(input.worker_id, input.run_id, input.job_id)) as ClaimAnswerWire,
      ),

    /** How the run's loop ended on the worker; the daemon then settles the run as it does its own. */
    settle: publicProcedure
      .input(settleRunInput)
      .output(acceptedSchema)
      .mutation(({ ctx, input }) =>
        ctx.services.workers.settle(input.worker_id, input.run_id, input.result as RemoteRunResult),
      ),
  }),

  /**
   * The run's tools that need the daemon's services (memory, sub-agents, MCP servers), run by the daemon with the
   * same tool code and services as a local run's. Only for a run this worker claimed that is still active
   * (FORBIDDEN, CONFLICT); a tool the run's agent does not have is NOT_FOUND.
   */
  tools: router({
    /** Runs (or joins, by `call_id`) one call; `pending` after `wait_ms`: ask again with the same `call_id`. */
    invoke: publicProcedure
      .input(callDaemonToolInput)
      .output(daemonToolAnswerSchema)
      .mutation(({ ctx, input }) =>
        ctx.services.workers.callTool(
          input.worker_id,
          input.run_id,
          { id: input.call_id, name: input.name, arguments: input.arguments },
          input.wait_ms,
        ),
      ),
  }),

  /**
   * Commands of a worker's run that the policy sends for approval: queued in the daemon's approvals (listed,
   * decided, expiring and announced as a local run's). Same refusals as `tools`.
   */
  approvals: router({
    create: publicProcedure
      .input(requestRunApprovalInput)
      .output(runApprovalSchema)
      .mutation(({ ctx, input }) =>
        ctx.services.workers.requestApproval(input.worker_id, input.run_id, {
          command: input.command,
          ...(input.workdir ? { workdir: input.workdir } : {}),
        }),
      ),

    /** The decision, or `pending` after `wait_ms` (a long poll: ask again); a cancelled run answers CONFLICT. */
    wait: publicProcedure
      .input(waitRunApprovalInput)
      .output(runApprovalDecisionSchema)
      .query(({ ctx, input }) =>
        ctx.services.workers.waitApproval(input.worker_id, input.run_id, input.approval_id, input.wait_ms),
      ),
  }),

  events: router({
    /**
     * A batch of the run's events, in order (provider usage is metered by the daemon); `accepted: false` tells the
     * worker to stop the run, `budget_stop` that a budget is spent.
     */
    add: publicProcedure
      .input(addRunEventsInput)
      .output(reportAnswerSchema)
      .mutation(
        ({ ctx, input }) =>
          ctx.services.workers.report(input.worker_id, input.run_id, input.seq, input.events) as ReportAnswerWire,
      ),
  }),
});
