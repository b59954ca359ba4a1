// `restflow` — the command-line client. Every data command goes through the daemon (see daemon-connection.ts).
import { isDaemonUnavailable, TRPCClientError } from '@restflow/api/client';
import { RESTFLOW_VERSION } from '@restflow/paths';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commandWords, type GlobalArgs, type GroupModule } from './command.ts';
import { agentCommand } from './commands/agent.ts';
import { authCommand } from './commands/auth.ts';
import { chatCommand, runCommand, watchCommand } from './commands/chat.ts';
import { configCommand } from './commands/config.ts';
import { consoleCommand } from './commands/console.ts';
import { daemonCommand, topLevelStatusCommand } from './commands/daemon.ts';
import { infoCommand } from './commands/info.ts';
import { keyCommand } from './commands/key.ts';
import { logsCommand } from './commands/logs.ts';
import { mcpCommand } from './commands/mcp.ts';
import { memoryCommand } from './commands/memory.ts';
import { modelsCommand } from './commands/models.ts';
import { runsCommand } from './commands/run-inspect.ts';
import { secretCommand } from './commands/secret.ts';
import { securityCommand } from './commands/security.ts';
import { sessionCommand } from './commands/session.ts';
import { skillCommand } from './commands/skill.ts';
import { startCommand } from './commands/start.ts';
import { taskCommand } from './commands/task.ts';
import { tokenCommand } from './commands/token.ts';
import { usageCommand } from './commands/usage.ts';
import { webCommand } from './commands/web.ts';
import { CliError } from './daemon-connection.ts';
import { hintFor } from './error-hints.ts';

const COMMANDS = [
  modelsCommand,
  daemonCommand,
  topLevelStatusCommand,
  agentCommand,
  chatCommand,
  runCommand,
  runsCommand,
  watchCommand,
  skillCommand,
  sessionCommand,
  configCommand,
  infoCommand,
  secretCommand,
  securityCommand,
  keyCommand,
  memoryCommand,
  authCommand,
  taskCommand,
  consoleCommand,
  mcpCommand,
  tokenCommand,
  webCommand,
  usageCommand,
  startCommand,
  logsCommand,
];

/** Top-level command words → their sub-command words (empty for leaf commands). */
function commandTree(): Map<string, string[]> {
  const tree = new Map<string, string[]>([['completions', []]]);
  for (const module of COMMANDS) {
    const children = 'subcommands' in module ? (module as GroupModule).subcommands : [];
    for (const word of commandWords(module)) tree.set(word, children);
  }
  return tree;
}

/**
 * For a usage error: what was unknown (a command, or a group's sub-command) and the `--help` that lists the
 * right ones; otherwise the deepest known command, whose `--help` explains its arguments.
 */
export function usageContext(argv: readonly string[]): { unknown?: string; help: string } {
  // Option values are not commands: drop `--format json` and the like (an option's value follows it).
  const words = argv.filter(
    (a, i) => !a.startsWith('-') && !(argv[i - 1]?.startsWith('-') && !argv[i - 1]?.includes('=')),
  );
  const tree = commandTree();
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

export function buildCli(argv: string[]): Argv<GlobalArgs> {
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
    .option('verbose', { alias: 'v', type: 'boolean', default: false, global: true, describe: 'More detail on errors' })
    .command(daemonCommand)
    .command(topLevelStatusCommand)
    .command(agentCommand)
    .command(chatCommand)
    .command(runCommand)
    .command(runsCommand)
    .command(watchCommand)
    .command(skillCommand)
    .command(sessionCommand)
    .command(configCommand)
    .command(infoCommand)
    .command(secretCommand)
    .command(securityCommand)
    .command(keyCommand)
    .command(memoryCommand)
    .command(authCommand)
    .command(taskCommand)
    .command(consoleCommand)
    .command(tokenCommand)
    .command(webCommand)
    .command(usageCommand)
    .command(logsCommand)
    .command(modelsCommand)
    .command(mcpCommand)
    .command(startCommand)
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
      const context = usageContext(argv);
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
  return cli as unknown as Argv<GlobalArgs>;
}

/** yargs turns `--limit abc` into NaN; say which option wants a number instead of letting NaN reach the daemon. */
function rejectNonNumbers(argv: Record<string, unknown>): true | string {
  const bad = Object.keys(argv).filter(
    (key) => key.length > 1 && !/[A-Z]/.test(key) && typeof argv[key] === 'number' && Number.isNaN(argv[key]),
  );
  return bad.length === 0 || bad.map((key) => `${key}: must be a number`).join('; ');
}

export interface DescribedError {
  message: string;
  exitCode: number;
  /** The daemon's tRPC code (NOT_FOUND, CONFLICT, …), or USAGE / DAEMON_UNAVAILABLE / ERROR for the CLI's own. */
  code: string;
  fieldErrors?: { path: string; message: string }[];
  reason?: string;
  details?: Record<string, unknown>;
  /** What to do about it (commands to run), from the error's reason. */
  hints: string[];
}

export function describeError(error: unknown, verbose: boolean): DescribedError {
  if (error instanceof CliError) {
    return {
      message: error.message,
      exitCode: error.exitCode,
      code: error.code ?? (error.exitCode === 2 ? 'USAGE' : 'ERROR'),
      hints: [],
    };
  }
  if (isDaemonUnavailable(error)) {
    return { message: (error as Error).message, exitCode: 69, code: 'DAEMON_UNAVAILABLE', hints: [] };
  }
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as {
      code?: string;
      fieldErrors?: { path: string; message: string }[] | null;
      reason?: string | null;
      details?: Record<string, unknown> | null;
    };
    const code = data.code ?? 'ERROR';
    return {
      message: `${error.message}${verbose && data.code ? ` [${data.code}]` : ''}`,
      exitCode: 1,
      code,
      ...(data.fieldErrors?.length ? { fieldErrors: data.fieldErrors } : {}),
      ...(data.reason ? { reason: data.reason } : {}),
      ...(data.details ? { details: data.details } : {}),
      hints: hintFor(data),
    };
  }
  const err = error as Error;
  return {
    message: verbose && err.stack ? err.stack : (err.message ?? String(error)),
    exitCode: 1,
    code: 'ERROR',
    hints: [],
  };
}

/** `--format json` anywhere on the command line (also `--format=json`). */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.some((arg, i) => arg === '--format=json' || (arg === '--format' && argv[i + 1] === 'json'));
}

/** Errors go to stderr: one JSON object in `--format json` (stdout keeps nothing but results), else text. */
export function printError(
  described: DescribedError,
  json: boolean,
  stderr: NodeJS.WritableStream = process.stderr,
): void {
  if (json) {
    const { exitCode: _exit, hints, ...error } = described;
    stderr.write(`${JSON.stringify({ error: { ...error, ...(hints.length ? { hint: hints.join('\n') } : {}) } })}\n`);
    return;
  }
  stderr.write(`Error: ${described.message}\n`);
  for (const hint of described.hints) stderr.write(`  ${hint}\n`);
}

async function main(): Promise<void> {
  const argv = hideBin(process.argv);
  try {
    await buildCli(argv).parseAsync();
  } catch (error) {
    const described = describeError(error, argv.includes('--verbose') || argv.includes('-v'));
    printError(described, wantsJson(argv));
    process.exitCode = described.exitCode;
  }
}

await main();
