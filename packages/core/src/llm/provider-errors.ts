// One mapping from the official SDKs' errors to LlmError. Both SDKs come from the same generator and define
// the same classes (APIError with status/headers/error body, user abort, connection, connection timeout).
import type { LlmProvider } from '../models/catalogue.ts';
import { LlmError, type LlmErrorKind } from './types.ts';

export const PROVIDER_LABELS: Record<LlmProvider, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  deepseek: 'DeepSeek',
  openai_compatible: 'The OpenAI-compatible server',
};

type ErrorClass = abstract new (...args: never[]) => Error;

export interface SdkErrorClasses {
  APIError: ErrorClass;
  APIUserAbortError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
}

export interface ErrorContext {
  provider: LlmProvider;
  baseUrl: string;
  apiKey: string;
  keySource?: string;
}

interface SdkApiError extends Error {
  status?: number;
  headers?: Headers;
  error?: unknown;
}

export const cancelledError = () => new LlmError('The request to the model was cancelled', 'cancelled');

/** `retry-after-ms` (OpenAI) or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The provider's own explanation: OpenAI puts `{message}` in `error`, Anthropic `{type, error: {message}}`. */
function providerMessage(error: SdkApiError): string {
  const body = error.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  const message = body?.error?.message ?? body?.message;
  return typeof message === 'string' && message !== '' ? message : error.message;
}

function innermostCause(error: unknown): string {
  let current = error as { cause?: unknown; code?: unknown; message?: unknown } | undefined;
  let described = current?.message ? String(current.message) : String(error);
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === 'string') described = current.code;
    else if (current.message) described = String(current.message);
    current = current.cause as typeof current;
  }
  return described;
}

function kindForStatus(status: number | undefined, type: string | undefined): LlmErrorKind {
  if (status === 401 || status === 403 || type === 'authentication_error' || type === 'permission_error') {
    return 'auth';
  }
  if (status === 429 || type === 'rate_limit_error') return 'rate_limit';
  if (status === 408) return 'timeout';
  if (status === undefined || status >= 500) return 'server'; // errors sent inside a stream carry no status
  return 'bad_request';
}

/** Never lets a key into a message, even when a provider echoes it back. */
function redact(text: string, apiKey: string): string {
  return apiKey.length >= 8 ? text.split(apiKey).join('***') : text;
}

export function toLlmError(error: unknown, classes: SdkErrorClasses, ctx: ErrorContext): LlmError {
  if (error instanceof LlmError) return error;
  const label = PROVIDER_LABELS[ctx.provider];
  const where = ctx.provider === 'openai_compatible' ? `${label} at ${ctx.baseUrl}` : label;
  if (error instanceof classes.APIUserAbortError) return cancelledError();
  if (error instanceof classes.APIConnectionTimeoutError) {
    return new LlmError(`${where} did not answer in time (${ctx.baseUrl})`, 'timeout');
  }
  if (error instanceof classes.APIConnectionError) {
    const name = ctx.provider === 'openai_compatible' ? 'the OpenAI-compatible server' : label;
    return new LlmError(`Cannot reach ${name} at ${ctx.baseUrl}: ${innermostCause(error)}`, 'connection');
  }
  if (!(error instanceof classes.APIError)) {
    return new LlmError(`${where} request failed: ${redact(String(error), ctx.apiKey)}`, 'connection');
  }
  const apiError = error as SdkApiError;
  const body = apiError.error as { type?: unknown; error?: { type?: unknown } } | undefined;
  const type = body?.error?.type ?? body?.type;
  const kind = kindForStatus(apiError.status, typeof type === 'string' ? type : undefined);
  const detail = redact(providerMessage(apiError), ctx.apiKey);
  const http = apiError.status ? ` (HTTP ${apiError.status})` : '';
  const key = `the API key (from ${ctx.keySource ?? 'the configured key'})`;
  const message =
    kind === 'auth'
      ? apiError.status === 403
        ? `${where} refused the request made with ${key}${http}: ${detail}`
        : `${where} rejected ${key}${http}: ${detail}`
      : kind === 'rate_limit'
        ? `${where} rate limit reached${http}: ${detail}`
        : kind === 'server'
          ? `${where} server error${http}: ${detail}`
          : kind === 'timeout'
            ? `${where} timed out${http}: ${detail}`
            : `${where} rejected the request${http}: ${detail}`;
  return new LlmError(message, kind, apiError.status, retryAfterMs(apiError.headers));
}
