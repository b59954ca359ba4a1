// The one place that sets up tRPC: transformer, error shape, base procedures. Routers import from here only.
import { DomainError, InvalidInputError } from '@restflow/core';
import { getTRPCErrorFromUnknown, initTRPC, TRPCError } from '@trpc/server';
import type { ZodError } from 'zod';
import { assertCallerMay } from './caller-rules.ts';
import type { ApiContext } from './context.ts';
import { toTRPCError } from './errors.ts';
import { RefusedInput, wireTransformer } from './transformer.ts';
import { nextTurn } from './turns.ts';

export interface FieldError {
  path: string;
  message: string;
}

/**
 * A zod validation error, by its name and shape rather than `instanceof`: the sub-routers (and zod with them) load
 * on first call (root.ts), and this module is on the way to the daemon's first answer.
 */
function isZodError(cause: unknown): cause is ZodError {
  return cause instanceof Error && cause.name === 'ZodError' && Array.isArray((cause as ZodError).issues);
}

function fieldErrorsOf(cause: unknown): FieldError[] | null {
  if (isZodError(cause)) {
    return cause.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(input)',
      message: issue.message,
    }));
  }
  if (cause instanceof InvalidInputError && cause.issues.length > 0) return cause.issues;
  return null;
}

const t = initTRPC.context<ApiContext>().create({
  transformer: wireTransformer,
  // Subscriptions over HTTP (SSE): pings keep idle streams alive through proxies and idle timeouts; a client
  // hearing nothing for longer reconnects, resuming from its Last-Event-ID.
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 40_000 } },
  errorFormatter({ shape, error }) {
    const fieldErrors = fieldErrorsOf(error.cause);
    const message =
      isZodError(error.cause) && fieldErrors
        ? `Invalid input: ${fieldErrors.map((f) => `${f.path}: ${f.message}`).join('; ')}`
        : shape.message;
    // Never leak stack traces or internal causes over the wire.
    const { stack: _stack, ...data } = shape.data;
    // A domain reason (NO_MODEL, NO_API_KEY, MODEL_RETIRED, …) and its facts let clients offer the fix.
    const domain = error.cause instanceof DomainError ? error.cause : undefined;
    return {
      ...shape,
      message,
      data: { ...data, fieldErrors, reason: domain?.reason ?? null, details: domain?.details ?? null },
    };
  },
});

/**
 * The error a call ends with, as clients see it: a ZodError's readable BAD_REQUEST (the same message for
 * in-process callers as the error formatter gives remote clients), a domain error's own code, else unchanged.
 */
function mapCallError(error: TRPCError): TRPCError {
  if (isZodError(error.cause)) {
    const issues = fieldErrorsOf(error.cause) ?? [];
    const message = `Invalid input: ${issues.map((f) => `${f.path}: ${f.message}`).join('; ')}`;
    return new TRPCError({ code: 'BAD_REQUEST', message, cause: error.cause });
  }
  if (error.code === 'INTERNAL_SERVER_ERROR') return toTRPCError(error.cause ?? error);
  return error;
}

/**
 * Every procedure's rules, in one middleware: tRPC allocates ~4 KB per middleware level and call (copies of the
 * call's options, a closure, an async frame), which over a busy pipe is young-generation garbage and so GC pauses
 * in other calls' latency (bench/pipe-under-load.bench.ts). In order: read-only tokens and token management
 * (caller-rules.ts) before anything runs; an input the transformer refused to decode (too deep, a huge bigint,
 * prototype keys) is that call's BAD_REQUEST; then domain errors thrown by services become typed tRPC errors.
 * A query or mutation that takes turns waits for a turn of its own before its validation and service work (turns.ts);
 * its answer is written on that same turn, so it goes out ahead of the changes and stream events the work caused,
 * which clients rely on (a task's run answered before its first event). Subscriptions stream on their own schedule.
 */
const procedureRules = (takesTurns: boolean) =>
  t.middleware(async ({ ctx, type, path, getRawInput, next }) => {
    try {
      assertCallerMay(ctx.caller, type, path);
      const raw = await getRawInput();
      if (raw instanceof RefusedInput) throw new TRPCError({ code: 'BAD_REQUEST', message: raw.reason });
    } catch (cause) {
      throw mapCallError(getTRPCErrorFromUnknown(cause));
    }
    if (takesTurns && type !== 'subscription') await nextTurn();
    const result = await next();
    if (result.ok) return result;
    const mapped = mapCallError(result.error);
    return mapped === result.error ? result : { ...result, error: mapped };
  });

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(procedureRules(true));
/**
 * For what answers from the daemon's memory at once, without services' or database work (a ping): such a call takes
 * no turn, so it is answered as soon as it is read, between two other calls' stretches of work.
 */
export const instantProcedure = t.procedure.use(procedureRules(false));
export { TRPCError };
