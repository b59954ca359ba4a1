import {
  APPROVAL_STATUSES,
  APPROVALS_CHANNEL,
  MAX_APPROVAL_TIMEOUT_SECS,
  type PatternListName,
  type PendingApproval,
  SECURITY_ACTIONS,
} from '@restflow/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure } from '../trpc.ts';
import { idSchema } from './schemas.ts';

const commandPatternSchema = z
  .object({
    pattern: z.string().trim().min(1, 'pattern must not be empty').max(500, 'pattern must be at most 500 characters'),
    description: z.string().max(500, 'description must be at most 500 characters').optional(),
  })
  .strict();
const patternsSchema = z.array(commandPatternSchema).max(1000, 'at most 1000 patterns');
const actionSchema = z.enum(SECURITY_ACTIONS, { error: `must be one of ${SECURITY_ACTIONS.join(', ')}` });
const indexSchema = z.number().int('index must be an integer').min(0, 'index must be 0 or more');
const commandSchema = z.string().trim().min(1, 'command must not be empty').max(100_000);

const policyPatchSchema = z
  .object({
    default_action: actionSchema.optional(),
    allowlist: patternsSchema.optional(),
    blocklist: patternsSchema.optional(),
    approval_required: patternsSchema.optional(),
    approval_timeout_secs: z
      .number()
      .int('approval_timeout_secs must be an integer')
      .min(1, 'approval_timeout_secs must be at least 1')
      .max(MAX_APPROVAL_TIMEOUT_SECS, `approval_timeout_secs must be at most ${MAX_APPROVAL_TIMEOUT_SECS}`)
      .optional(),
  })
  .strict();

/** get / set / add / remove for one pattern list of the policy. */
function patternListRouter(list: PatternListName) {
  return {
    get: publicProcedure.query(({ ctx }) => ctx.services.security.getPatterns(list)),
    /** Replaces the whole list; returns it. */
    set: publicProcedure
      .input(z.object({ [list]: patternsSchema }).strict())
      .mutation(({ ctx, input }) =>
        ctx.services.security.setPatterns(list, input[list] as z.infer<typeof patternsSchema>),
      ),
    /** Appends a pattern; CONFLICT if the list already has it. Returns `{pattern, patterns}`. */
    add: publicProcedure
      .input(commandPatternSchema)
      .mutation(({ ctx, input }) => ctx.services.security.addPattern(list, input)),
    /** Removes by 0-based index (as listed); returns `{pattern, patterns}` with the removed pattern. */
    remove: publicProcedure
      .input(z.object({ index: indexSchema }).strict())
      .mutation(({ ctx, input }) => ctx.services.security.removePattern(list, input.index)),
  } satisfies TRPCRouterRecord;
}

const approvalFilterSchema = z
  .object({
    status: z.enum(APPROVAL_STATUSES).optional(),
    task_id: z.string().min(1).optional(),
    agent_id: z.string().min(1).optional(),
    run_id: z.string().min(1).optional(),
  })
  .strict();

export const securityRouter = {
  policy: {
    get: publicProcedure.query(({ ctx }) => ctx.services.security.getPolicy()),
    /** Replaces the given fields; the others keep their values. */
    set: publicProcedure.input(policyPatchSchema).mutation(({ ctx, input }) => ctx.services.security.setPolicy(input)),
    /** Back to the built-in defaults. */
    reset: publicProcedure.mutation(({ ctx }) => ctx.services.security.resetPolicy()),
  },

  allowlist: patternListRouter('allowlist'),
  blocklist: patternListRouter('blocklist'),
  approvalRequired: patternListRouter('approval_required'),

  /** What the policy would decide for a command line, with the reason per simple command. Records nothing. */
  check: publicProcedure
    .input(z.object({ command: commandSchema }).strict())
    .query(({ ctx, input }) => ctx.services.security.evaluate(input.command)),

  approvals: {
    /** Newest first; due approvals are expired before listing. */
    list: publicProcedure
      .input(approvalFilterSchema.optional())
      .query(({ ctx, input }) => ctx.services.security.approvals.list(input ?? {})),
    /** `id` may be a unique prefix. */
    get: publicProcedure
      .input(z.object({ id: idSchema }).strict())
      .query(({ ctx, input }) => ctx.services.security.approvals.get(input.id)),
    /** CONFLICT when already decided or expired. */
    approve: publicProcedure
      .input(z.object({ id: idSchema }).strict())
      .mutation(({ ctx, input }) => ctx.services.security.approvals.approve(input.id)),
    reject: publicProcedure
      .input(
        z
          .object({ id: idSchema, reason: z.string().max(2000, 'reason must be at most 2000 characters').optional() })
          .strict(),
      )
      .mutation(({ ctx, input }) => ctx.services.security.approvals.reject(input.id, input.reason)),
    /**
     * Queues a command for the user's decision, as the agent engine does before running it; lets scripts gate
     * their own commands on the same queue (watch `onApprovals` for the decision).
     */
    request: publicProcedure
      .input(
        z
          .object({
            command: commandSchema,
            task_id: z.string().min(1).optional(),
            agent_id: z.string().min(1).optional(),
            run_id: z.string().min(1).optional(),
            workdir: z.string().min(1).max(4096).optional(),
          })
          .strict(),
      )
      .mutation(({ ctx, input }) => {
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
    .input(z.object({ include_pending: z.boolean().optional() }).strict().optional())
    .subscription(async function* ({ ctx, input, signal }) {
      // Our own controller too: the stream may also end by the consumer's return(), with `signal` still live.
      const stop = new AbortController();
      const abort = () => stop.abort();
      signal?.addEventListener('abort', abort, { once: true });
      const live = ctx.services.bus.listen<PendingApproval>(APPROVALS_CHANNEL, stop.signal);
      // Start listening before reading the store: `on()` only buffers once iteration has begun.
      const first = live.next();
      try {
        if (input?.include_pending) {
          for (const approval of ctx.services.security.approvals.list({ status: 'pending' }).reverse()) yield approval;
        }
        let next = await first;
        while (!next.done) {
          yield next.value;
          next = await live.next();
        }
      } finally {
        signal?.removeEventListener('abort', abort);
        stop.abort();
        await live.return(undefined);
      }
    }),
} satisfies TRPCRouterRecord;
