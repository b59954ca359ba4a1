// Persistence of auth profiles: the `auth_profiles` row holds refs only; each credential field lives in an
// encrypted secret `auth:{profile_id}:{field}`. Rows and their secrets are always written in one transaction.
import { asc, authProfiles, eq, type SecureCredential } from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import { NotFoundError } from '../errors.ts';
import { resolveIdPrefix } from '../id-prefix.ts';
import { authSecretKey, type SecretService } from '../secrets/secret.service.ts';
import { type AuthProfileRow, isAvailable } from './auth-health.ts';
import { type AuthProfile, type CredentialInput, isClaudeOAuthToken, maskCredential } from './auth-types.ts';

/** Claude OAuth tokens entered as API keys are stored as OAuth access tokens. */
export function normalizeCredential(input: CredentialInput): CredentialInput {
  if (input.type === 'api_key' && isClaudeOAuthToken(input.key)) {
    const { key, email } = input;
    return email ? { type: 'o_auth', access_token: key, email } : { type: 'o_auth', access_token: key };
  }
  return input;
}

/** The value a client authenticates with: the API key, the token, or the OAuth access token. */
export const primaryValue = (input: CredentialInput): string =>
  input.type === 'api_key' ? input.key : input.type === 'token' ? input.token : input.access_token;

const primaryRef = (credential: SecureCredential): string =>
  credential.type === 'o_auth' ? credential.access_token_ref : credential.secret_ref;

export function secretRefsOf(credential: SecureCredential): string[] {
  if (credential.type !== 'o_auth') return [credential.secret_ref];
  return credential.refresh_token_ref
    ? [credential.access_token_ref, credential.refresh_token_ref]
    : [credential.access_token_ref];
}

/** Drops undefined optional fields so stored JSON and the wire never carry `"email": null`-style noise. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Secret values and the refs that point at them, for a normalized credential. */
function toSecure(id: string, input: CredentialInput): { credential: SecureCredential; values: [string, string][] } {
  switch (input.type) {
    case 'api_key': {
      const ref = authSecretKey(id, 'api_key');
      return {
        credential: compact({ type: 'api_key', secret_ref: ref, email: input.email }),
        values: [[ref, input.key]],
      };
    }
    case 'token': {
      const ref = authSecretKey(id, 'token');
      return {
        credential: compact({ type: 'token', secret_ref: ref, expires_at: input.expires_at, email: input.email }),
        values: [[ref, input.token]],
      };
    }
    case 'o_auth': {
      const access = authSecretKey(id, 'access_token');
      const refresh = input.refresh_token ? authSecretKey(id, 'refresh_token') : undefined;
      const values: [string, string][] = [[access, input.access_token]];
      if (refresh && input.refresh_token) values.push([refresh, input.refresh_token]);
      return {
        credential: compact({
          type: 'o_auth',
          access_token_ref: access,
          refresh_token_ref: refresh,
          expires_at: input.expires_at,
          email: input.email,
        }),
        values,
      };
    }
  }
}

export type NewProfileRow = Omit<AuthProfileRow, 'credential'>;

export class AuthProfileStore {
  constructor(
    private readonly core: CoreContext,
    private readonly secrets: SecretService,
  ) {}

  all(): AuthProfileRow[] {
    return this.core.db.select().from(authProfiles).orderBy(asc(authProfiles.createdAt), asc(authProfiles.id)).all();
  }

  find(id: string): AuthProfileRow | undefined {
    return this.core.db.select().from(authProfiles).where(eq(authProfiles.id, id)).get();
  }

  /** A full id or a unique prefix. */
  require(idOrPrefix: string): AuthProfileRow {
    const exact = this.find(idOrPrefix);
    if (exact) return exact;
    const id = resolveIdPrefix(
      'Auth profile',
      idOrPrefix,
      this.all().map((r) => r.id),
    );
    return this.find(id) as AuthProfileRow;
  }

  insert(row: NewProfileRow, input: CredentialInput): AuthProfileRow {
    const { credential, values } = toSecure(row.id, input);
    const full: AuthProfileRow = { ...row, credential };
    this.core.db.transaction(() => {
      for (const [ref, value] of values) this.secrets.setInternal(ref, value);
      this.core.db.insert(authProfiles).values(full).run();
    });
    return full;
  }

  /** Rewrites the credential's secrets (same ids → same secret rows) and drops refs the new shape no longer has. */
  replaceCredential(row: AuthProfileRow, input: CredentialInput, patch: Partial<AuthProfileRow> = {}): AuthProfileRow {
    const { credential, values } = toSecure(row.id, input);
    const next: AuthProfileRow = { ...row, ...patch, credential };
    const kept = new Set(values.map(([ref]) => ref));
    this.core.db.transaction(() => {
      for (const [ref, value] of values) this.secrets.setInternal(ref, value);
      this.secrets.deleteInternal(secretRefsOf(row.credential).filter((ref) => !kept.has(ref)));
      this.core.db
        .update(authProfiles)
        .set({ ...patch, credential })
        .where(eq(authProfiles.id, row.id))
        .run();
    });
    return next;
  }

  patch(row: AuthProfileRow, patch: Partial<Omit<AuthProfileRow, 'id' | 'credential'>>): AuthProfileRow {
    if (Object.keys(patch).length > 0) {
      this.core.db.update(authProfiles).set(patch).where(eq(authProfiles.id, row.id)).run();
    }
    return { ...row, ...patch };
  }

  remove(row: AuthProfileRow): void {
    this.core.db.transaction(() => {
      this.secrets.deleteInternal(secretRefsOf(row.credential));
      const result = this.core.db.delete(authProfiles).where(eq(authProfiles.id, row.id)).run();
      if (result.changes === 0) throw new NotFoundError('Auth profile', row.id);
    });
  }

  /** Decrypts the value a client would send; undefined when its secret is gone. Throws on a wrong master key. */
  credentialValue(row: AuthProfileRow): string | undefined {
    return this.secrets.getValue(primaryRef(row.credential));
  }

  toWire(row: AuthProfileRow, now: number): AuthProfile {
    let hint: string | null = null;
    try {
      const value = this.credentialValue(row);
      hint = value === undefined ? null : maskCredential(value);
    } catch {
      // An undecryptable secret still lists (without a hint); `test` reports why.
    }
    return {
      id: row.id,
      name: row.name,
      credential: { ...row.credential, hint },
      source: row.source,
      provider: row.provider,
      health: row.health,
      enabled: row.enabled,
      priority: row.priority,
      created_at: row.createdAt,
      last_used_at: row.lastUsedAt ?? null,
      last_failed_at: row.lastFailedAt ?? null,
      failure_count: row.failureCount,
      cooldown_until: row.cooldownUntil ?? null,
      available: isAvailable(row, now),
    };
  }
}
