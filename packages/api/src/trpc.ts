// The one place that sets up tRPC: transformer, error shape, base procedures. Routers import from here only.
import { DomainError, InvalidInputError } from '@restflow/core';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { assertCallerMay } from './caller-rules.ts';
import type { ApiContext } from './context.ts';
import { toTRPCError } from './errors.ts';
import { RefusedInput, wireTransformer } from './transformer.ts';

export interface FieldError {
  path: string;
  message: string;
}

function fieldErrorsOf(cause: unknown): FieldError[] | null {
  if (cause instanceof ZodError) {
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
      error.cause instanceof ZodError && fieldErrors
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

/** Maps domain errors thrown by services to typed tRPC errors, for every procedure. */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof ZodError) {
    // Same readable message for in-process callers as the error formatter gives remote clients.
    const issues = fieldErrorsOf(result.error.cause) ?? [];
    const message = `Invalid input: ${issues.map((f) => `${f.path}: ${f.message}`).join('; ')}`;
    return { ...result, error: new TRPCError({ code: 'BAD_REQUEST', message, cause: result.error.cause }) };
  }
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR') {
    const mapped = toTRPCError(result.error.cause ?? result.error);
    if (mapped !== result.error) return { ...result, error: mapped };
  }
  return result;
});

/** Read-only tokens and token management (caller-rules.ts), before any procedure runs. */
const enforceCallerRules = t.middleware(({ ctx, type, path, next }) => {
  assertCallerMay(ctx.caller, type, path);
  return next();
});

/** An input the transformer refused to decode (too deep, a huge bigint, prototype keys) is that call's BAD_REQUEST. */
const refuseUndecodableInput = t.middleware(async ({ getRawInput, next }) => {
  const raw = await getRawInput();
  if (raw instanceof RefusedInput) throw new TRPCError({ code: 'BAD_REQUEST', message: raw.reason });
  return next();
});

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapDomainErrors).use(enforceCallerRules).use(refuseUndecodableInput);
export { TRPCError };
