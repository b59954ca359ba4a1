import { daemonLeaf, group, noArgs } from '../command.ts';
import { CliError } from '../daemon-connection.ts';

const show = daemonLeaf('show', 'Show the system configuration', noArgs, async (client, _args, out) => {
  const config = await client.config.get.query();
  out.table(
    Object.entries(config),
    [
      { header: 'Key', value: ([k]) => k },
      { header: 'Value', value: ([, v]) => v },
    ],
    config,
  );
});

const get = daemonLeaf(
  'get <key>',
  'Print one configuration value',
  (y) => y.positional('key', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const config = await client.config.get.query();
    if (!(args.key in config)) {
      throw new CliError(`unknown config key "${args.key}" (known: ${Object.keys(config).join(', ')})`);
    }
    const value = config[args.key as keyof typeof config];
    out.result(String(value), { key: args.key, value });
  },
);

const set = daemonLeaf(
  'set <key> <value>',
  'Set one configuration value',
  (y) =>
    y
      .positional('key', { type: 'string', demandOption: true })
      .positional('value', { type: 'string', demandOption: true }),
  async (client, args, out) => {
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
