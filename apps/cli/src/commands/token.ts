import { daemonLeaf, group, noArgs } from '../command.ts';
import { formatTime } from '../output.ts';

const create = daemonLeaf(
  'create',
  'Create an API token for Authorization: Bearer clients (shown once: store it now)',
  (y) =>
    y
      .option('name', { alias: 'n', type: 'string', demandOption: true, describe: 'What the token is for (e.g. ci)' })
      .option('read-only', { type: 'boolean', default: false, describe: 'Allow queries and streams only, no changes' }),
  async (client, args, out) => {
    const created = await client.tokens.create.mutate({ name: args.name, read_only: args['read-only'] });
    out.result(
      `${created.token}\n\nAPI token "${created.name}" created${created.read_only ? ' (read-only)' : ''}: ` +
        'this is the only time it is shown. Send it as "Authorization: Bearer <token>" (docs/remote-access.md).',
      created,
    );
  },
);

const list = daemonLeaf('list', 'List API tokens (never the tokens themselves)', noArgs, async (client, _a, out) => {
  const tokens = await client.tokens.list.query();
  out.table(tokens, [
    { header: 'Id', value: (t) => t.id.slice(0, 8) },
    { header: 'Name', value: (t) => t.name },
    { header: 'Token', value: (t) => `${t.prefix}…` },
    { header: 'Access', value: (t) => (t.read_only ? 'read-only' : 'full') },
    { header: 'Created', value: (t) => formatTime(t.created_at) },
    { header: 'Last used', value: (t) => (t.last_used_at === null ? 'never' : formatTime(t.last_used_at)) },
  ]);
});

const revoke = daemonLeaf(
  ['revoke <token>', 'delete <token>'],
  'Revoke an API token by id (or unique prefix) or name; requests presenting it get 401 at once',
  (y) => y.positional('token', { type: 'string', demandOption: true, describe: 'Id, id prefix or name' }),
  async (client, args, out) => {
    const result = await client.tokens.delete.mutate({ id: args.token });
    out.result(`API token revoked: ${result.id}`, result);
  },
);

export const tokenCommand = group('token', 'Manage API tokens for the HTTP API', [create, list, revoke]);
