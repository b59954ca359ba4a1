import type { RestflowClient } from '@restflow/api/client';
import { daemonLeaf, group, noArgs } from '../command.ts';
import { CliError } from '../daemon-connection.ts';
import type { Output } from '../output.ts';

const show = daemonLeaf('show', 'Show the system configuration', noArgs, async (client, _args, out) => {
  const config = await client.config.get.query();
  const execution = await client.config.execution.get.query();
  out.table(
    [
      ...Object.entries(config),
      ...EXECUTION_KEYS.map((k) => [`execution.${k}`, executionValue(execution, k)] as [string, string]),
    ],
    [
      { header: 'Key', value: ([k]) => k },
      { header: 'Value', value: ([, v]) => v },
    ],
    config,
  );
});

const PROVIDERS = ['openai', 'anthropic', 'deepseek', 'openai_compatible'] as const;
const PROVIDER_FIELDS = ['base_url', 'models'] as const;
type ProviderSettings = Awaited<ReturnType<RestflowClient['config']['providers']['get']['query']>>;

/** `providers`, `providers.openai`, `providers.openai.base_url` → the parts, or a usage error naming the right ones. */
function providerPath(key: string): {
  provider?: (typeof PROVIDERS)[number];
  field?: (typeof PROVIDER_FIELDS)[number];
} {
  const [, provider, field, ...rest] = key.split('.');
  const known = `providers.<${PROVIDERS.join('|')}>.<base_url|models>`;
  if (provider !== undefined && !(PROVIDERS as readonly string[]).includes(provider)) {
    throw new CliError(`unknown provider "${provider}" in ${key} (known: ${known})`, 2);
  }
  if (field !== undefined && (!(PROVIDER_FIELDS as readonly string[]).includes(field) || rest.length)) {
    throw new CliError(`unknown provider setting "${key}" (known: ${known})`, 2);
  }
  if (field === 'models' && provider !== 'openai_compatible') {
    throw new CliError('only providers.openai_compatible has a models list', 2);
  }
  return {
    provider: provider as (typeof PROVIDERS)[number] | undefined,
    field: field as (typeof PROVIDER_FIELDS)[number] | undefined,
  };
}

async function getProviders(client: RestflowClient, key: string, out: Output): Promise<void> {
  const { provider, field } = providerPath(key);
  const settings = await client.config.providers.get.query();
  const section = provider ? (settings[provider] as Record<string, unknown> | undefined) : undefined;
  const value = !provider ? settings : !field ? (section ?? {}) : (section?.[field] ?? null);
  if (out.json) return out.printJson({ key, value });
  if (value === null) return out.line('(not set)');
  out.line(typeof value === 'string' ? value : Array.isArray(value) ? value.join(',') : JSON.stringify(value, null, 2));
}

/** `providers.<p>.base_url URL` (empty: unset) or `providers.openai_compatible.models a,b`: one field, the rest kept. */
async function setProviders(client: RestflowClient, key: string, raw: string, out: Output): Promise<void> {
  const { provider, field } = providerPath(key);
  if (!provider || !field)
    throw new CliError(`set one field: ${key}.base_url (or providers.openai_compatible.models)`, 2);
  const settings: ProviderSettings = await client.config.providers.get.query();
  const section: Record<string, unknown> = { ...(settings[provider] ?? {}) };
  const value =
    field === 'models'
      ? raw
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean)
      : raw.trim();
  if ((Array.isArray(value) && value.length === 0) || value === '') delete section[field];
  else section[field] = value;
  const next = await client.config.providers.set.mutate({ providers: { ...settings, [provider]: section } });
  const stored = (next[provider] as Record<string, unknown> | undefined)?.[field];
  out.result(stored === undefined ? `${key} unset` : `${key} = ${Array.isArray(stored) ? stored.join(',') : stored}`, {
    key,
    value: stored ?? null,
    providers: next,
  });
}

const isProviderKey = (key: string) => key === 'providers' || key.startsWith('providers.');

const TELEGRAM_CHATS_KEY = 'telegram.allowed_chats';

/** `telegram.allowed_chats 123,-100456` replaces the list ("" empties it). */
async function setTelegramChats(client: RestflowClient, raw: string, out: Output): Promise<void> {
  const chats = raw
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const stored = await client.config.telegram.set.mutate({ telegram: { allowed_chats: chats } });
  out.result(`${TELEGRAM_CHATS_KEY} = ${stored.allowed_chats.join(',') || '(none)'}`, {
    key: TELEGRAM_CHATS_KEY,
    value: stored.allowed_chats,
  });
}

const EXECUTION_KEYS = ['backend', 'redis_url', 'queue', 'queue_prefix'] as const;
type ExecutionKey = (typeof EXECUTION_KEYS)[number];
type ExecutionSettings = Awaited<ReturnType<RestflowClient['config']['execution']['get']['query']>>;
const isExecutionKey = (key: string) => key === 'execution' || key.startsWith('execution.');

/** `execution.backend` → `backend`, or a usage error naming the known keys. */
function executionKey(key: string): ExecutionKey {
  const name = key.slice('execution.'.length);
  if (!(EXECUTION_KEYS as readonly string[]).includes(name)) {
    throw new CliError(
      `unknown setting "${key}" (known: ${EXECUTION_KEYS.map((k) => `execution.${k}`).join(', ')})`,
      2,
    );
  }
  return name as ExecutionKey;
}

/** One key as shown: a Redis URL never has its password (the secret holding it is named instead). */
function executionValue(settings: ExecutionSettings, key: ExecutionKey): string {
  if (key !== 'redis_url') return settings[key];
  if (!settings.redis_url) return '(not set)';
  return settings.redis_password_secret
    ? `${settings.redis_url} (password: secret ${settings.redis_password_secret})`
    : settings.redis_url;
}

/** A note when the daemon runs with something else than the keys say (not restarted yet, or an env override). */
function executionNote(settings: ExecutionSettings, key?: ExecutionKey): string | undefined {
  const effective = settings.in_effect;
  const differs = (k: ExecutionKey) =>
    k === 'redis_url' ? (effective.redis_url ?? null) !== (settings.redis_url ?? null) : effective[k] !== settings[k];
  const keys = key ? [key] : [...EXECUTION_KEYS];
  const changed = keys.filter(differs);
  if (changed.length === 0) return undefined;
  const env = effective.from_environment.length ? ` (set by ${effective.from_environment.join(', ')})` : '';
  return `the daemon runs with ${changed.map((k) => `${k} ${effective[k] ?? '(none)'}`).join(', ')}${env}: keys apply at the next daemon start`;
}

async function getExecution(client: RestflowClient, key: string, out: Output): Promise<void> {
  const settings = await client.config.execution.get.query();
  if (key === 'execution') {
    if (out.json) return out.printJson({ key, value: settings });
    for (const k of EXECUTION_KEYS) out.line(`execution.${k} = ${executionValue(settings, k)}`);
    const note = executionNote(settings);
    if (note) out.line(`(${note})`);
    return;
  }
  const name = executionKey(key);
  if (out.json) return out.printJson({ key, value: settings[name], settings });
  out.line(executionValue(settings, name));
}

/** `execution.backend queue`, `execution.redis_url redis://:pw@host:6379/0` ("" unsets it), `execution.queue q`. */
async function setExecution(client: RestflowClient, key: string, raw: string, out: Output): Promise<void> {
  const name = executionKey(key);
  const value = raw.trim();
  const patch = name === 'backend' ? { backend: value as 'local' | 'queue' } : { [name]: value === '' ? null : value };
  if (name === 'backend' && value !== 'local' && value !== 'queue') {
    throw new CliError(`execution.backend must be local or queue, got "${value.slice(0, 40)}"`, 2);
  }
  const settings = await client.config.execution.set.mutate({ execution: patch });
  const note = executionNote(settings, name) ?? 'applies at the next daemon start';
  out.result(`${key} = ${executionValue(settings, name)} (${note})`, { key, value: settings[name], settings });
}

const get = daemonLeaf(
  'get <key>',
  'Print one configuration value (a system key, providers[.<provider>[.base_url|models]], ' +
    'execution[.backend|redis_url|queue|queue_prefix] or telegram.allowed_chats)',
  (y) => y.positional('key', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    if (isProviderKey(args.key)) return getProviders(client, args.key, out);
    if (isExecutionKey(args.key)) return getExecution(client, args.key, out);
    if (args.key === TELEGRAM_CHATS_KEY) {
      const { allowed_chats } = await client.config.telegram.get.query();
      return out.result(allowed_chats.join(',') || '(none)', { key: args.key, value: allowed_chats });
    }
    const config = await client.config.get.query();
    if (!(args.key in config)) {
      throw new CliError(
        `unknown config key "${args.key}" (known: ${Object.keys(config).join(', ')}, providers.<provider>.base_url, ` +
          'execution.<backend|redis_url|queue|queue_prefix>)',
      );
    }
    const value = config[args.key as keyof typeof config];
    out.result(String(value), { key: args.key, value });
  },
);

const set = daemonLeaf(
  'set <key> <value>',
  'Set one configuration value (an integer system key, or providers.<provider>.base_url URL — "" unsets it — ' +
    'or providers.openai_compatible.models a,b, or telegram.allowed_chats id1,id2 — the chats the bot answers — ' +
    'or execution.backend local|queue, execution.redis_url URL — a password in it is kept as a secret — ' +
    'execution.queue, execution.queue_prefix)',
  (y) =>
    y
      .positional('key', { type: 'string', demandOption: true })
      .positional('value', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    if (isProviderKey(args.key)) return setProviders(client, args.key, args.value, out);
    if (isExecutionKey(args.key)) return setExecution(client, args.key, args.value, out);
    if (args.key === TELEGRAM_CHATS_KEY) return setTelegramChats(client, args.value, out);
    const value = Number(args.value);
    if (!Number.isInteger(value)) throw new CliError(`value for ${args.key} must be an integer, got "${args.value}"`);
    const config = await client.config.update.mutate({ key: args.key, value });
    out.result(`${args.key} = ${value}`, config);
  },
);

const reset = daemonLeaf('reset', 'Restore the default configuration', noArgs, async (client, _args, out) => {
  const config = await client.config.reset.mutate();
  out.result('Configuration reset to defaults', config);
});

export const configCommand = group('config', 'Show and change the system configuration', [show, get, set, reset]);
