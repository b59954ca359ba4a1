import type { RestflowClient, RouterInputs, RouterOutputs } from '@restflow/api/client';
import { daemonLeaf, group, noArgs } from '../command.ts';
import { CliError } from '../daemon-connection.ts';
import { type Output, shortId } from '../output.ts';
import { readSecretInput } from './secret.ts';

type AuthProfile = RouterOutputs['auth']['get'];
type AuthProvider = RouterInputs['auth']['create']['provider'];

const PROVIDER_ALIASES: Record<string, AuthProvider> = {
  anthropic: 'anthropic',
  claude: 'anthropic',
  'claude-code': 'claude_code',
  claude_code: 'claude_code',
  cc: 'claude_code',
  openai: 'openai',
  gpt: 'openai',
  'openai-codex': 'openai_codex',
  openai_codex: 'openai_codex',
  codex: 'openai_codex',
  google: 'google',
  gemini: 'google',
  deepseek: 'other',
  other: 'other',
};

/** `claude`, `cc`, `codex`, `deepseek`, … → the auth provider they stand for. */
export function parseProviderAlias(text: string): AuthProvider {
  const provider = PROVIDER_ALIASES[text.trim().toLowerCase()];
  if (!provider) {
    throw new CliError(`unknown provider "${text}" (use one of: ${Object.keys(PROVIDER_ALIASES).join(', ')})`, 2);
  }
  return provider;
}

const yesNo = (value: boolean) => (value ? 'yes' : 'no');
const time = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : undefined);

export function showProfile(out: Output, profile: AuthProfile): void {
  const credential = profile.credential;
  out.record(
    [
      ['ID', profile.id],
      ['Name', profile.name],
      ['Provider', profile.provider],
      ['Source', profile.source],
      ['Type', credential.type],
      ['Credential', credential.hint ?? '(unavailable)'],
      ['Email', credential.email],
      ['Expires', credential.type === 'api_key' ? undefined : time(credential.expires_at)],
      ['Health', profile.health],
      ['Enabled', yesNo(profile.enabled)],
      ['Available', yesNo(profile.available)],
      ['Priority', profile.priority],
      ['Failures', profile.failure_count],
      ['Cooldown until', time(profile.cooldown_until)],
      ['Last used', time(profile.last_used_at)],
      ['Last failed', time(profile.last_failed_at)],
      ['Created', time(profile.created_at)],
    ],
    profile,
  );
}

export async function discoverProfiles(client: RestflowClient, out: Output): Promise<void> {
  const summary = await client.auth.discover.mutate();
  for (const error of summary.errors) out.notice(`warning: ${error}`);
  const sources = Object.entries(summary.by_source)
    .map(([source, n]) => `${source}: ${n}`)
    .join(', ');
  out.result(
    `Discovered ${summary.total} credential(s)${sources ? ` (${sources})` : ''}: ${summary.added} added, ${summary.updated} updated, ${summary.removed} removed; ${summary.available} available`,
    summary,
  );
}

/** `--key` / `<key>` if given, else stdin (hidden prompt on a terminal). */
export async function addProfile(
  client: RestflowClient,
  out: Output,
  input: { provider: string; key: string | undefined; name: string | undefined },
): Promise<void> {
  const provider = parseProviderAlias(input.provider);
  const key = input.key ?? (await readSecretInput('API key'));
  const profile = await client.auth.create.mutate({
    name: input.name ?? `${input.provider.trim().toLowerCase()} key`,
    provider,
    credential: { type: 'api_key', key: key.trim() },
  });
  out.result(`Key added: ${profile.name} (${profile.id}) for ${profile.provider}`, profile);
}

const add = daemonLeaf(
  'add <provider> [key]',
  'Add an API key (anthropic|claude, claude-code|cc, openai|gpt, openai-codex|codex, deepseek, google); without [key] it is read from stdin',
  (y) =>
    y
      .positional('provider', { type: 'string', demandOption: true })
      .positional('key', { type: 'string', describe: 'The key (prefer stdin: arguments end up in shell history)' })
      .option('name', { alias: 'n', type: 'string', describe: 'Profile name' }),
  async (client, args, out) => addProfile(client, out, { provider: args.provider, key: args.key, name: args.name }),
);

const list = daemonLeaf(
  'list',
  'List API keys and other auth profiles',
  (y) => y.option('provider', { alias: 'p', type: 'string', describe: 'Only this provider (aliases accepted)' }),
  async (client, args, out) => {
    const provider = args.provider === undefined ? undefined : parseProviderAlias(args.provider);
    const profiles = await client.auth.list.query({ provider });
    out.table(profiles, [
      { header: 'ID', value: (p) => shortId(p.id) },
      { header: 'Name', value: (p) => p.name },
      { header: 'Provider', value: (p) => p.provider },
      { header: 'Type', value: (p) => p.credential.type },
      { header: 'Available', value: (p) => yesNo(p.available) },
      { header: 'Priority', value: (p) => p.priority },
    ]);
  },
);

const idArg = { type: 'string', demandOption: true, describe: 'Profile id or unique prefix' } as const;

const show = daemonLeaf(
  'show <id>',
  'Show one key (the value stays hidden)',
  (y) => y.positional('id', idArg),
  async (client, args, out) => showProfile(out, await client.auth.get.query({ id: args.id })),
);

const use = daemonLeaf(
  'use <id>',
  'Make a key the first choice (priority 0; every other key at least 1)',
  (y) => y.positional('id', idArg),
  async (client, args, out) => {
    const profile = await client.auth.use.mutate({ id: args.id });
    out.result(`Using ${profile.name} (${shortId(profile.id)}) first for ${profile.provider}`, profile);
  },
);

const remove = daemonLeaf(
  ['remove <id>', 'rm <id>'],
  'Remove a key and its stored secret',
  (y) => y.positional('id', idArg),
  async (client, args, out) => {
    const result = await client.auth.delete.mutate({ id: args.id });
    out.result(`Key removed: ${result.id}`, result);
  },
);

const test = daemonLeaf(
  'test <id>',
  'Check that a key resolves (exit code 1 when it does not)',
  (y) => y.positional('id', idArg),
  async (client, args, out) => {
    const result = await client.auth.test.mutate({ id: args.id });
    out.result(`${result.ok ? 'OK' : 'FAILED'}: ${result.message}`, result);
    if (!result.ok) process.exitCode = 1;
  },
);

const discover = daemonLeaf(
  'discover',
  'Find keys in the environment, Claude Code and Codex CLI',
  noArgs,
  async (client, _args, out) => discoverProfiles(client, out),
);

export const keyCommand = group('key', 'Manage API keys for model providers', [
  add,
  list,
  show,
  use,
  remove,
  test,
  discover,
]);
