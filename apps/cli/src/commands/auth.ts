import { daemonLeaf, group, noArgs } from '../command.ts';
import { shortId } from '../output.ts';
import { addProfile, discoverProfiles, showProfile } from './key.ts';

const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([name, n]) => `${name}: ${n}`)
    .join(', ');

const status = daemonLeaf('status', 'Summarise auth profiles and their health', noArgs, async (client, _a, out) => {
  const summary = await client.auth.summary.query();
  out.record(
    [
      ['Profiles', summary.total],
      ['Enabled', summary.enabled],
      ['Available', summary.available],
      ['In cooldown', summary.in_cooldown],
      ['Disabled', summary.disabled],
      ['By provider', counts(summary.by_provider)],
      ['By source', counts(summary.by_source)],
    ],
    summary,
  );
});

const discover = daemonLeaf(
  'discover',
  'Find credentials in the environment, Claude Code and Codex CLI',
  noArgs,
  async (client, _args, out) => discoverProfiles(client, out),
);

const list = daemonLeaf('list', 'List auth profiles', noArgs, async (client, _args, out) => {
  const profiles = await client.auth.list.query();
  out.table(profiles, [
    { header: 'ID', value: (p) => shortId(p.id) },
    { header: 'Name', value: (p) => p.name },
    { header: 'Provider', value: (p) => p.provider },
    { header: 'Source', value: (p) => p.source },
    { header: 'Health', value: (p) => p.health },
    { header: 'Available', value: (p) => (p.available ? 'yes' : 'no') },
  ]);
});

const idArg = { type: 'string', demandOption: true, describe: 'Profile id or unique prefix' } as const;

const show = daemonLeaf(
  'show <id>',
  'Show one auth profile (the credential stays hidden)',
  (y) => y.positional('id', idArg),
  async (client, args, out) => showProfile(out, await client.auth.get.query({ id: args.id })),
);

const add = daemonLeaf(
  'add',
  'Add a credential; without --key it is read from stdin',
  (y) =>
    y
      .option('provider', { type: 'string', demandOption: true, describe: 'anthropic, claude-code, openai, codex, …' })
      .option('key', { type: 'string', describe: 'The key (prefer stdin: arguments end up in shell history)' })
      .option('name', { alias: 'n', type: 'string', describe: 'Profile name' }),
  async (client, args, out) => addProfile(client, out, { provider: args.provider, key: args.key, name: args.name }),
);

const remove = daemonLeaf(
  ['remove <id>', 'rm <id>'],
  'Remove an auth profile and its stored secrets',
  (y) => y.positional('id', idArg),
  async (client, args, out) => {
    const result = await client.auth.delete.mutate({ id: args.id });
    out.result(`Auth profile removed: ${result.id}`, result);
  },
);

export const authCommand = group('auth', 'Manage auth profiles (credentials for model providers)', [
  status,
  discover,
  list,
  show,
  add,
  remove,
]);
