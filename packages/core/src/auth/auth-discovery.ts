// Finds credentials the user already has: provider env vars, Claude Code's OAuth file and Codex CLI's auth file.
// Everything is read from core.env (HOME included) so tests point discovery at a temp dir.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AuthProvider, AuthSource, CredentialInput } from './auth-types.ts';

export interface DiscoveredCredential {
  /** Stable across runs: re-discovery updates this profile instead of adding one. */
  id: string;
  name: string;
  source: AuthSource;
  provider: AuthProvider;
  credential: CredentialInput;
}

export interface DiscoveryScan {
  found: DiscoveredCredential[];
  errors: string[];
  /** Sources read without error; only their vanished credentials may be removed. */
  scanned: AuthSource[];
}

/** A deterministic UUID-shaped id (v5 layout) from what identifies a discovered credential. */
export function stableProfileId(source: AuthSource, provider: AuthProvider, email: string | undefined): string {
  const hash = createHash('sha256')
    .update(`restflow-auth-profile\0${source}\0${provider}\0${email?.toLowerCase() ?? 'default'}`)
    .digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const ENV_KEYS: readonly { name: string; provider: AuthProvider }[] = [
  { name: 'ANTHROPIC_API_KEY', provider: 'anthropic' },
  { name: 'OPENAI_API_KEY', provider: 'openai' },
  { name: 'GOOGLE_API_KEY', provider: 'google' },
  { name: 'GEMINI_API_KEY', provider: 'google' },
];

function discovered(
  source: AuthSource,
  provider: AuthProvider,
  name: string,
  credential: CredentialInput,
): DiscoveredCredential {
  return { id: stableProfileId(source, provider, credential.email), name, source, provider, credential };
}

function fromEnvironment(env: NodeJS.ProcessEnv): DiscoveredCredential[] {
  const found = new Map<string, DiscoveredCredential>();
  for (const { name, provider } of ENV_KEYS) {
    const value = env[name]?.trim();
    if (!value) continue;
    const entry = discovered('environment', provider, `${name} (environment)`, { type: 'api_key', key: value });
    // Dedup key is (source, provider, email): GOOGLE_API_KEY wins over GEMINI_API_KEY.
    if (!found.has(entry.id)) found.set(entry.id, entry);
  }
  return [...found.values()];
}

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

function readJson(file: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse messages can quote the file's content; keep credentials out of the error.
    throw new Error(`${file} is not valid JSON`);
  }
  if (!parsed || typeof parsed !== 'object') throw new Error(`${file} does not hold a JSON object`);
  return parsed as Record<string, unknown>;
}

/** `~/.claude/.credentials.json`: `{claudeAiOauth: {accessToken, refreshToken, expiresAt (ms)}}`. */
function fromClaudeCode(home: string): DiscoveredCredential[] {
  const file = path.join(home, '.claude', '.credentials.json');
  const json = readJson(file);
  if (!json) return [];
  const oauth = json.claudeAiOauth as Record<string, unknown> | undefined;
  const accessToken = asString(oauth?.accessToken);
  if (!accessToken) throw new Error(`${file} has no claudeAiOauth.accessToken`);
  const expiresAt = typeof oauth?.expiresAt === 'number' ? new Date(oauth.expiresAt).toISOString() : undefined;
  const credential: CredentialInput = { type: 'o_auth', access_token: accessToken };
  const refreshToken = asString(oauth?.refreshToken);
  if (refreshToken) credential.refresh_token = refreshToken;
  if (expiresAt) credential.expires_at = expiresAt;
  return [discovered('claude_code', 'claude_code', 'Claude Code (OAuth)', credential)];
}

/** The `email` claim of an OpenID id_token, if readable (no verification needed: it only names the profile). */
function emailFromIdToken(idToken: string | undefined): string | undefined {
  const payload = idToken?.split('.')[1];
  if (!payload) return undefined;
  try {
    return asString((JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { email?: unknown }).email);
  } catch {
    return undefined;
  }
}

/** `~/.codex/auth.json`: `{OPENAI_API_KEY?, tokens?: {id_token, access_token, refresh_token}}`. */
function fromCodex(home: string): DiscoveredCredential[] {
  const file = path.join(home, '.codex', 'auth.json');
  const json = readJson(file);
  if (!json) return [];
  const apiKey = asString(json.OPENAI_API_KEY);
  if (apiKey) return [discovered('codex_cli', 'openai_codex', 'Codex CLI (API key)', { type: 'api_key', key: apiKey })];
  const tokens = json.tokens as Record<string, unknown> | undefined;
  const accessToken = asString(tokens?.access_token);
  if (!accessToken) throw new Error(`${file} has neither OPENAI_API_KEY nor tokens.access_token`);
  const email = emailFromIdToken(asString(tokens?.id_token));
  const credential: CredentialInput = { type: 'o_auth', access_token: accessToken };
  const refreshToken = asString(tokens?.refresh_token);
  if (refreshToken) credential.refresh_token = refreshToken;
  if (email) credential.email = email;
  return [discovered('codex_cli', 'openai_codex', email ? `Codex CLI (${email})` : 'Codex CLI (OAuth)', credential)];
}

export function scanCredentials(env: NodeJS.ProcessEnv): DiscoveryScan {
  const scan: DiscoveryScan = { found: fromEnvironment(env), errors: [], scanned: ['environment'] };
  const home = env.HOME ?? env.USERPROFILE;
  // Without a home directory the file sources were not looked at, so nothing they found earlier is stale.
  if (!home) return scan;
  const fileSources: [AuthSource, (home: string) => DiscoveredCredential[]][] = [
    ['claude_code', fromClaudeCode],
    ['codex_cli', fromCodex],
  ];
  for (const [source, read] of fileSources) {
    try {
      scan.found.push(...read(home));
      scan.scanned.push(source);
    } catch (error) {
      scan.errors.push(`${source}: ${(error as Error).message}`);
    }
  }
  return scan;
}
