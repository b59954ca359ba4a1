// What each kind of caller may do, checked for every procedure (trpc.ts) whatever the transport: a read-only API
// token reads and watches but never changes anything nor reads a credential value, and no API token manages API
// tokens (a leaked token must not be able to mint a successor that outlives its revocation).
import { TRPCError } from '@trpc/server';
import type { Caller } from './context.ts';

/** The queries that return a credential value (router/secrets.ts, router/auth.ts): not for read-only tokens. */
export const CREDENTIAL_READS: ReadonlySet<string> = new Set(['secrets.get', 'auth.apiKey']);

export type ProcedureKind = 'query' | 'mutation' | 'subscription';

/** Throws FORBIDDEN (HTTP 403) when `caller` may not run a procedure of this kind at this path. */
export function assertCallerMay(caller: Caller | undefined, type: ProcedureKind, path: string): void {
  if (caller?.kind !== 'token') return;
  if (caller.read_only && type === 'mutation') {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `API token "${caller.token_name}" is read-only: ${path} changes data and needs a token without --read-only`,
    });
  }
  if (caller.read_only && CREDENTIAL_READS.has(path)) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `API token "${caller.token_name}" is read-only: ${path} returns a credential and needs a full token`,
    });
  }
  if (path.startsWith('tokens.') && type === 'mutation') {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'API tokens are created and revoked by the local user (restflow token …), not by another API token',
    });
  }
}
