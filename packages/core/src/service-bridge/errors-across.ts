// An error crosses a thread as plain data and is rebuilt as an instance of its own class on the other side, so the
// API maps a service's NotFoundError to NOT_FOUND (and keeps its reason and details) wherever the service ran.
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
} from '../errors.ts';

const DOMAIN_ERRORS = {
  DomainError,
  NotFoundError,
  ConflictError,
  InvalidInputError,
  UnavailableError,
  UnauthorizedError,
  ForbiddenError,
  RateLimitedError,
} as const;

/** An error as data: its class's name, its message, and its own fields (reason, details, issues, code, …). */
export interface ErrorAcross {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
  /** Set when the thrown value was not an Error at all. */
  thrown?: unknown;
}

export function errorToData(error: unknown): ErrorAcross {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {}, thrown: error };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key !== 'name' && key !== 'message' && key !== 'stack' && isCloneable(value)) fields[key] = value;
  }
  return { name: error.name, message: error.message, stack: error.stack, fields };
}

export function errorFromData(data: ErrorAcross): unknown {
  if ('thrown' in data && data.thrown !== undefined) return data.thrown;
  const known = DOMAIN_ERRORS[data.name as keyof typeof DOMAIN_ERRORS];
  const error: Error = known ? Object.create(known.prototype) : new Error(data.message);
  Object.defineProperty(error, 'message', { value: data.message, writable: true, configurable: true });
  Object.assign(error, data.fields, { name: data.name });
  if (data.stack) Object.defineProperty(error, 'stack', { value: data.stack, writable: true, configurable: true });
  return error;
}

function isCloneable(value: unknown): boolean {
  if (typeof value === 'function' || typeof value === 'symbol') return false;
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}
