// Turns whatever a command threw into what the user reads: the daemon's typed errors (code, field errors, reason
// and its hints), the CLI's own, and an unreachable daemon. Loaded only when a command fails.
import { isDaemonUnavailable, TRPCClientError } from '@restflow/api/client';
import { CliError } from './daemon-connection.ts';
import { hintFor } from './error-hints.ts';
import type { DescribedError } from './error-output.ts';

export function describeError(error: unknown, verbose: boolean): DescribedError {
  if (error instanceof CliError) {
    return {
      message: error.message,
      exitCode: error.exitCode,
      code: error.code ?? (error.exitCode === 2 ? 'USAGE' : 'ERROR'),
      hints: [],
    };
  }
  if (isDaemonUnavailable(error)) {
    return { message: (error as Error).message, exitCode: 69, code: 'DAEMON_UNAVAILABLE', hints: [] };
  }
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as {
      code?: string;
      fieldErrors?: { path: string; message: string }[] | null;
      reason?: string | null;
      details?: Record<string, unknown> | null;
    };
    const code = data.code ?? 'ERROR';
    return {
      message: `${error.message}${verbose && data.code ? ` [${data.code}]` : ''}`,
      exitCode: 1,
      code,
      ...(data.fieldErrors?.length ? { fieldErrors: data.fieldErrors } : {}),
      ...(data.reason ? { reason: data.reason } : {}),
      ...(data.details ? { details: data.details } : {}),
      hints: hintFor(data),
    };
  }
  const err = error as Error;
  return {
    message: verbose && err.stack ? err.stack : (err.message ?? String(error)),
    exitCode: 1,
    code: 'ERROR',
    hints: [],
  };
}
