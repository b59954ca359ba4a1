// Core speaks in a handful of domain errors; the api layer maps each to one tRPC code in one place.

export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * Machine-readable reasons a client can act on (the console offers a model picker for NO_MODEL, the CLI prints
 * a hint); the message stays human and names no client's commands.
 */
export type ErrorReason =
  | 'NO_AGENT'
  | 'NO_MODEL'
  | 'UNKNOWN_MODEL'
  | 'MODEL_RETIRED'
  | 'NO_API_KEY'
  | 'API_KEY_SECRET_MISSING'
  | 'DUPLICATE_NAME'
  | 'PAST_SCHEDULE';

export interface DomainErrorOptions {
  reason?: ErrorReason;
  /** Facts about the reason (`{provider, key_name}`, `{model, replacement}`); never secret values. */
  details?: Record<string, unknown>;
}

export class DomainError extends Error {
  override name = 'DomainError';
  readonly reason?: ErrorReason;
  readonly details?: Record<string, unknown>;

  constructor(message: string, options: DomainErrorOptions = {}) {
    super(message);
    if (options.reason) this.reason = options.reason;
    if (options.details) this.details = options.details;
  }
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} not found`);
  }
}

export class ConflictError extends DomainError {
  override name = 'ConflictError';
}

/** Bad input that passed the schema but breaks a domain rule; `issues` name the fields. */
export class InvalidInputError extends DomainError {
  override name = 'InvalidInputError';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
    options: DomainErrorOptions = {},
  ) {
    super(message, options);
  }
  static field(path: string, message: string): InvalidInputError {
    return new InvalidInputError(`${path}: ${message}`, [{ path, message }]);
  }
}

/** A dependency the request needs is missing or down (no API key, provider unreachable, …). */
export class UnavailableError extends DomainError {
  override name = 'UnavailableError';
}

export class UnauthorizedError extends DomainError {
  override name = 'UnauthorizedError';
}

/** The caller is known but may not do this (e.g. another agent's private shared-space entry). */
export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
}

export class RateLimitedError extends DomainError {
  override name = 'RateLimitedError';
}
