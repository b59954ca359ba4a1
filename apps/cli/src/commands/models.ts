// `restflow models`: what each provider offers right now (its live list, cached by the daemon), or the
// catalogue for providers without a key — with the command that configures them.
import { daemonLeaf } from '../command.ts';
import type { Output } from '../output.ts';

const PROVIDERS = ['openai', 'anthropic', 'deepseek', 'openai_compatible'] as const;
type ProviderName = (typeof PROVIDERS)[number];

const KEY_NAMES: Record<ProviderName, string> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  deepseek: 'DEEPSEEK_API_KEY',
  openai_compatible: 'OPENAI_COMPATIBLE_API_KEY',
};

function howToConfigure(provider: ProviderName): string {
  return provider === 'openai_compatible'
    ? 'restflow config set providers.openai_compatible.base_url http://localhost:11434/v1'
    : `restflow secret set ${KEY_NAMES[provider]}`;
}

interface Lifecycle {
  status: 'retired' | 'deprecated';
  replacement: string;
  retires_on?: string;
  retired_on?: string;
}

const note = (m: { in_catalogue: boolean; lifecycle: Lifecycle | null }) =>
  m.lifecycle
    ? `${m.lifecycle.status === 'retired' ? 'retired' : `retires ${m.lifecycle.retires_on}`}: use ${m.lifecycle.replacement}`
    : m.in_catalogue
      ? ''
      : 'not in the catalogue';

export const modelsCommand = daemonLeaf<{ provider?: ProviderName; refresh: boolean }>(
  'models',
  "List the models each provider offers (the provider's live list when a key or endpoint is configured)",
  (y) =>
    y
      .option('provider', { alias: 'p', choices: PROVIDERS, describe: 'Only this provider' })
      .option('refresh', {
        type: 'boolean',
        default: false,
        describe: "Ask the providers again (skip the daemon's cache)",
      })
      .example('$0 models', 'every provider; configured ones first')
      .example('$0 agent update writer -m <model>', 'use one of them'),
  async (client, args, out: Output) => {
    const lists = await client.models.list.query({
      ...(args.provider ? { provider: args.provider } : {}),
      refresh: args.refresh,
    });
    if (out.json) return out.printJson(lists);
    const configured = lists.filter((l) => l.configured);
    out.table(
      configured.flatMap((l) => l.models.map((m) => ({ ...m, provider: l.provider }))),
      [
        { header: 'Provider', value: (r) => r.provider },
        { header: 'Model', value: (r) => r.id },
        { header: 'Name', value: (r) => r.name },
        { header: 'Note', value: (r) => note(r) },
      ],
    );
    for (const list of configured) {
      const from = list.source === 'live' ? `live list from ${list.base_url}` : `built-in list (${list.error})`;
      out.notice(`${list.provider}: key from ${list.key_source ?? 'none needed'}; ${from}`);
    }
    for (const list of lists.filter((l) => !l.configured)) {
      out.notice(
        `${list.provider}: not configured — ${howToConfigure(list.provider as ProviderName)}` +
          (list.models.length
            ? ` (then: ${list.models
                .slice(0, 4)
                .map((m) => m.id)
                .join(', ')}, …)`
            : ''),
      );
    }
  },
);
