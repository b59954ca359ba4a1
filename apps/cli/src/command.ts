import type { RestflowClient } from '@restflow/api/client';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { commandWords } from './command-words.ts';
import { withClient } from './daemon-connection.ts';
import { Output, type OutputFormat } from './output.ts';

export interface GlobalArgs {
  format: OutputFormat;
  verbose: boolean;
}

type Handler<A> = (args: ArgumentsCamelCase<A & GlobalArgs>, out: Output) => Promise<void> | void;
type ClientHandler<A> = (
  client: RestflowClient,
  args: ArgumentsCamelCase<A & GlobalArgs>,
  out: Output,
) => Promise<void>;

/** A leaf command; `builder` declares its positionals/options, `handler` gets a ready Output. */
export function leaf<A = object>(
  command: string | string[],
  describe: string,
  builder: (y: Argv<GlobalArgs>) => Argv<A & GlobalArgs>,
  handler: Handler<A>,
): CommandModule<GlobalArgs, A & GlobalArgs> {
  return {
    command,
    describe,
    builder,
    handler: async (args) => {
      await handler(args, new Output(args.format));
    },
  };
}

/** A leaf command that talks to the daemon (auto-started when needed). */
export function daemonLeaf<A = object>(
  command: string | string[],
  describe: string,
  builder: (y: Argv<GlobalArgs>) => Argv<A & GlobalArgs>,
  handler: ClientHandler<A>,
): CommandModule<GlobalArgs, A & GlobalArgs> {
  return leaf<A>(command, describe, builder, (args, out) => withClient(out, (client) => handler(client, args, out)));
}

/** A command group (`agent` …); `subcommands` names its children, so usage errors can say what was unknown. */
export type GroupModule = CommandModule<GlobalArgs, GlobalArgs> & { subcommands: string[] };

/** A command group such as `agent` with its sub-commands. */
export function group(
  command: string | string[],
  describe: string,
  // biome-ignore lint/suspicious/noExplicitAny: yargs command modules are heterogeneous in their argument types
  children: CommandModule<GlobalArgs, any>[],
): GroupModule {
  return {
    subcommands: children.flatMap((child) => commandWords(child)),
    command,
    describe,
    builder: (y) => {
      for (const child of children) y.command(child);
      return y.demandCommand(1, `choose a ${Array.isArray(command) ? command[0] : command} sub-command`);
    },
    handler: () => {},
  };
}

export const noArgs = (y: Argv<GlobalArgs>) => y;

/** Comma-separated list option → string[] (empty string → []). */
export const listOption = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
