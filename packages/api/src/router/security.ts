import type { PatternListName } from '@restflow/core';
import type { TRPCRouterRecord } from '@trpc/server';
import type { z } from 'zod';
import {
  approvalsStreamInput,
  checkCommandInput,
  commandPatternSchema,
  createApprovalInput,
  idInput,
  listApprovalsInput,
  patternIndexInput,
  type patternsSchema,
  rejectApprovalInput,
  setPatternsInput,
  updatePolicyInput,
} from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

/** get / set / add / remove for one pattern list of the policy (an ordered list of values, no ids). */
function patternListRouter<List extends PatternListName>(list: List) {
  return {
    get: publicProcedure.query(({ ctx }) => ctx.services.security.getPatterns(list)),
    /** Replaces the whole list; returns it. */
    set: publicProcedure
      .input(setPatternsInput(list))
      // zod cannot name a computed key's type, so the list is read back under the name it was given.
      .mutation(({ ctx, input }) =>
        ctx.services.security.setPatterns(list, (input as Record<string, z.output<typeof patternsSchema>>)[list] ?? []),
      ),
    /** Appends a pattern; CONFLICT if the list already has it. Returns `{pattern, patterns}`. */
    add: publicProcedure
      .input(commandPatternSchema)
      .mutation(({ ctx, input }) => ctx.services.security.addPattern(list, input)),
    /** Removes by 0-based index (as listed); returns `{pattern, patterns}` with the removed pattern. */
    remove: publicProcedure
      .input(patternIndexInput)
      .mutation(({ ctx, input }) => ctx.services.security.removePattern(list, input.index)),
  } satisfies TRPCRouterRecord;
}

export const securityRouter = router({
  policy: {
    get: publicProcedure.query(({ ctx }) => ctx.services.security.getPolicy()),
    /** Replaces the given fields; the others keep their values. */
    update: publicProcedure
      .input(updatePolicyInput)
      .mutation(({ ctx, input }) => ctx.services.security.setPolicy(input)),
    /** Back to the built-in defaults. */
    reset: publicProcedure.mutation(({ ctx }) => ctx.services.security.resetPolicy()),
  },

  allowlist: patternListRouter('allowlist'),
  blocklist: patternListRouter('blocklist'),
  approvalRequired: patternListRouter('approval_required'),

  /** What the policy would decide for a command line, with the reason per simple command. Records nothing. */
  check: publicProcedure
    .input(checkCommandInput)
    .query(({ ctx, input }) => ctx.services.security.evaluate(input.command)),

  approvals: {
    /** Newest first; due approvals are expired before listing. */
    list: publicProcedure
      .input(listApprovalsInput)
      .query(({ ctx, input }) => ctx.services.security.approvals.list(input ?? {})),
    /** `id` may be a unique prefix. */
    get: publicProcedure.input(idInput).query(({ ctx, input }) => ctx.services.security.approvals.get(input.id)),
    /** CONFLICT when already decided or expired. */
    approve: publicProcedure
      .input(idInput)
      .mutation(({ ctx, input }) => ctx.services.security.approvals.approve(input.id)),
    reject: publicProcedure
      .input(rejectApprovalInput)
      .mutation(({ ctx, input }) => ctx.services.security.approvals.reject(input.id, input.reason)),
    /**
     * Queues a command for the user's decision, as the agent engine does before running it; lets scripts gate
     * their own commands on the same queue (watch `onApprovals` for the decision).
     */
    create: publicProcedure.input(createApprovalInput).mutation(({ ctx, input }) => {
      const { command, ...request } = input;
      return ctx.services.security.approvals.create(command, request);
    }),
    /** Expires every pending approval whose time is up. */
    expire: publicProcedure.mutation(({ ctx }) => ({ expired: ctx.services.security.approvals.expireDue() })),
  },

  /**
   * Live approval changes (created, approved, rejected, expired) as whole approval objects. With
   * `include_pending`, the currently pending approvals are sent first, so a console can start from them.
   */
  onApprovals: publicProcedure
    .input(approvalsStreamInput)
    .subscription(({ ctx, input, signal }) =>
      ctx.services.security.approvals.subscribe({ includePending: input?.include_pending, signal }),
    ),
});
