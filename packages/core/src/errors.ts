// Core speaks in a handful of domain errors; the api layer maps each to one tRPC code in one place.

export interface FieldIssue {
  path: string;
  message: string;
}

export class DomainError extends Error {
  override name = 'DomainError';
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
  ) {
    super(message);
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
