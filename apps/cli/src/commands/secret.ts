import { daemonLeaf, group, noArgs } from '../command.ts';
import { CliError } from '../daemon-connection.ts';
import { formatTime } from '../output.ts';

/** Reads a hidden line from the terminal: nothing typed is echoed. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new CliError('cancelled', 130));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/**
 * A secret value that was not given on the command line (where it would land in shell history and `ps`):
 * a hidden prompt on a terminal, else all of stdin minus one trailing newline.
 */
export async function readSecretInput(what: string): Promise<string> {
  if (process.stdin.isTTY) return promptHidden(`${what}: `);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const value = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
  if (!value) throw new CliError(`no ${what.toLowerCase()} given: pass it as an argument or on stdin`, 2);
  return value;
}

const list = daemonLeaf(
  'list',
  'List secrets (keys and descriptions; never values)',
  noArgs,
  async (client, _a, out) => {
    const secrets = await client.secrets.list.query();
    out.table(secrets, [
      { header: 'Key', value: (s) => s.key },
      { header: 'Description', value: (s) => s.description },
      { header: 'Updated', value: (s) => formatTime(s.updated_at) },
    ]);
  },
);

const set = daemonLeaf(
  'set <key> [value]',
  'Create or replace a secret; without [value] it is read from stdin (hidden prompt on a terminal)',
  (y) =>
    y
      .positional('key', { type: 'string', demandOption: true, describe: 'A-Z, 0-9 and _ (e.g. OPENAI_API_KEY)' })
      .positional('value', { type: 'string', describe: 'The value (prefer stdin: arguments end up in shell history)' })
      .option('description', { alias: 'd', type: 'string', describe: 'What the secret is for' }),
  async (client, args, out) => {
    const value = args.value ?? (await readSecretInput(`Value for ${args.key}`));
    const secret = await client.secrets.set.mutate({ key: args.key, value, description: args.description });
    out.result(`Secret set: ${secret.key}`, secret);
  },
);

const get = daemonLeaf(
  'get <key>',
  'Print a secret value (stored, else the environment variable of that name)',
  (y) => y.positional('key', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const secret = await client.secrets.get.query({ key: args.key });
    out.result(secret.value, secret);
  },
);

const remove = daemonLeaf(
  ['delete <key>', 'rm <key>'],
  'Delete a secret',
  (y) => y.positional('key', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const result = await client.secrets.delete.mutate({ key: args.key });
    out.result(`Secret deleted: ${result.id}`, result);
  },
);

const has = daemonLeaf(
  'has <key>',
  'Check whether a secret is set (exit code 1 when it is not)',
  (y) => y.positional('key', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const presence = await client.secrets.has.query({ key: args.key });
    const where = presence.source === 'environment' ? ' (from the environment)' : '';
    out.result(presence.exists ? `${presence.key}: set${where}` : `${presence.key}: not set`, presence);
    if (!presence.exists) process.exitCode = 1;
  },
);

export const secretCommand = group('secret', 'Manage encrypted secrets', [list, set, get, remove, has]);
