import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
} from '@restflow/core';
import { type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server';

/** The one mapping from core's domain errors to tRPC codes. */
export function domainErrorCode(error: DomainError): TRPC_ERROR_CODE_KEY {
  if (error instanceof NotFoundError) return 'NOT_FOUND';
  if (error instanceof ConflictError) return 'CONFLICT';
  if (error instanceof InvalidInputError) return 'BAD_REQUEST';
  if (error instanceof UnauthorizedError) return 'UNAUTHORIZED';
  if (error instanceof ForbiddenError) return 'FORBIDDEN';
  if (error instanceof RateLimitedError) return 'TOO_MANY_REQUESTS';
  if (error instanceof UnavailableError) return 'PRECONDITION_FAILED';
  return 'INTERNAL_SERVER_ERROR';
}

export function toTRPCError(cause: unknown): TRPCError {
  if (cause instanceof TRPCError) return cause;
  if (cause instanceof DomainError) {
    return new TRPCError({ code: domainErrorCode(cause), message: cause.message, cause });
  }
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal error', cause });
}
