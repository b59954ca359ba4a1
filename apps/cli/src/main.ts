// `restflow` — the command-line client. Every data command goes through the daemon (see daemon-connection.ts).
import { RESTFLOW_VERSION } from '@restflow/paths';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { GlobalArgs, GroupModule } from './command.ts';
import { type AnyCommand, commandsFor } from './command-index.ts';
import { commandWords } from './command-words.ts';
import { printError, wantsJson } from './error-output.ts';
import { skipHelpCache } from './skip-help-cache.ts';

/** Top-level command words → their sub-command words (empty for leaf commands), of the commands loaded. */
function commandTree(commands: readonly AnyCommand[]): Map<string, string[]> {
  const tree = new Map<string, string[]>([['completions', []]]);
  for (const module of commands) {
    const children = 'subcommands' in module ? (module as GroupModule).subcommands : [];
    for (const word of commandWords(module)) tree.set(word, children);
  }
  return tree;
}

/**
 * For a usage error: what was unknown (a command, or a group's sub-command) and the `--help` that lists the
 * right ones; otherwise the deepest known command, whose `--help` explains its arguments.
 */
export function usageContext(
  argv: readonly string[],
  commands: readonly AnyCommand[],
): { unknown?: string; help: string } {
  // Option values are not commands: drop `--format json` and the like (an option's value follows it).
  const words = argv.filter(
    (a, i) => !a.startsWith('-') && !(argv[i - 1]?.startsWith('-') && !argv[i - 1]?.includes('=')),
  );
  const tree = commandTree(commands);
  const [first, second] = words;
  if (first === undefined) return { help: 'restflow --help' };
  const children = tree.get(first);
  if (!children) return { unknown: `unknown command "${first}"`, help: 'restflow --help' };
  if (children.length === 0) return { help: `restflow ${first} --help` };
  if (second === undefined) return { help: `restflow ${first} --help` };
  if (!children.includes(second)) {
    return { unknown: `unknown ${first} sub-command "${second}"`, help: `restflow ${first} --help` };
  }
  return { help: `restflow ${first} ${second} --help` };
}

/** The shell `restflow completions [shell]` is for: the one named, else the user's $SHELL. */
function completionShell(argv: readonly string[]): 'bash' | 'zsh' {
  const named = argv[argv.indexOf('completions') + 1];
  if (named === 'bash' || named === 'zsh') return named;
  return process.env.SHELL?.includes('zsh') ? 'zsh' : 'bash';
}

/** The CLI for `argv`, with the command modules it needs (commandsFor) registered. */
export function buildCli(argv: string[], commands: readonly AnyCommand[]): Argv<GlobalArgs> {
  // yargs picks its completion template from $SHELL when it is built: make it the shell asked for.
  if (argv[0] === 'completions') {
    process.env.SHELL = `/bin/${completionShell(argv)}`;
    delete process.env.ZSH_NAME;
  }
  const cli = yargs(argv)
    .scriptName('restflow')
    .usage('RestFlow — local-first AI agents\n\nUsage: $0 <command> [options]')
    .version(RESTFLOW_VERSION)
    .option('format', {
      choices: ['text', 'json'] as const,
      default: 'text' as const,
      describe: 'Output format (json is stable and machine-readable)',
      global: true,
    })
    .option('verbose', {
      alias: 'v',
      type: 'boolean',
      default: false,
      global: true,
      describe: 'More detail on errors',
    });
  for (const command of commands) cli.command(command);
  cli
    .command({
      command: 'completions [shell]',
      describe: 'Print a shell completion script (bash or zsh; default: your $SHELL) and how to install it',
      builder: (y) => y.positional('shell', { choices: ['bash', 'zsh'] }),
      handler: () => {
        const shell = completionShell(argv);
        // Typed without arguments, but yargs takes ($0, command): the install line then names our command.
        (cli.showCompletionScript as (app: string, command: string) => unknown)('restflow', `completions ${shell}`);
        const profile = shell === 'zsh' ? '~/.zshrc' : '~/.bashrc';
        process.stderr.write(
          `# Install: restflow completions ${shell} >> ${profile} && source ${profile}\n` +
            '# (the script calls `restflow`: put it on your PATH first, e.g. npm link -w @restflow/cli)\n',
        );
      },
    })
    .completion('__complete', false)
    .demandCommand(1, 'choose a command (see --help)')
    .check(rejectNonNumbers, true)
    .strict()
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .fail((message, error) => {
      // A failed .check() hands its message over as a string: a usage error, not a command failure.
      if (error instanceof Error) throw error;
      const context = usageContext(argv, commands);
      // yargs calls an unknown word an "argument"; say whether it was a command or a sub-command.
      const suggestion = /^Did you mean (\S+)\?$/.exec(message);
      const text = !context.unknown
        ? message
        : suggestion
          ? `${context.unknown}; did you mean "${suggestion[1]}"?`
          : /^Unknown argument/.test(message)
            ? context.unknown
            : message;
      printError(
        { message: text, exitCode: 2, code: 'USAGE', hints: [`Run '${context.help}' for usage.`] },
        wantsJson(argv),
      );
      process.exit(2);
    });
  skipHelpCache(cli);
  return cli as unknown as Argv<GlobalArgs>;
}

/** yargs turns `--limit abc` into NaN; say which option wants a number instead of letting NaN reach the daemon. */
function rejectNonNumbers(argv: Record<string, unknown>): true | string {
  const bad = Object.keys(argv).filter(
    (key) => key.length > 1 && !/[A-Z]/.test(key) && typeof argv[key] === 'number' && Number.isNaN(argv[key]),
  );
  return bad.length === 0 || bad.map((key) => `${key}: must be a number`).join('; ');
}

async function main(): Promise<void> {
  const argv = hideBin(process.argv);
  try {
    await buildCli(argv, await commandsFor(argv)).parseAsync();
  } catch (error) {
    const { describeError } = await import('./describe-error.ts');
    const described = describeError(error, argv.includes('--verbose') || argv.includes('-v'));
    printError(described, wantsJson(argv));
    process.exitCode = described.exitCode;
  }
}

// Not awaited at the top level: the bundle is CommonJS (scripts/bundle.mjs --cjs), and main() settles every error.
void main();
