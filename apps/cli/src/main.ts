// `restflow` — the command-line client. Every data command goes through the daemon (see daemon-connection.ts).
import { isDaemonUnavailable, TRPCClientError } from '@restflow/api/client';
import { RESTFLOW_VERSION } from '@restflow/paths';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { GlobalArgs } from './command.ts';
import { agentCommand } from './commands/agent.ts';
import { authCommand } from './commands/auth.ts';
import { chatCommand, runCommand, watchCommand } from './commands/chat.ts';
import { configCommand } from './commands/config.ts';
import { consoleCommand } from './commands/console.ts';
import { daemonCommand, topLevelStatusCommand } from './commands/daemon.ts';
import { infoCommand } from './commands/info.ts';
import { keyCommand } from './commands/key.ts';
import { memoryCommand } from './commands/memory.ts';
import { secretCommand } from './commands/secret.ts';
import { securityCommand } from './commands/security.ts';
import { sessionCommand } from './commands/session.ts';
import { skillCommand } from './commands/skill.ts';
import { taskCommand } from './commands/task.ts';
import { CliError } from './daemon-connection.ts';

export function buildCli(argv: string[]): Argv<GlobalArgs> {
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
    .command({
      command: 'completions [shell]',
      describe: 'Print a shell completion script (bash or zsh); add it to your shell profile',
      builder: (y) => y.positional('shell', { choices: ['bash', 'zsh'], default: 'bash' }),
      handler: () => {
        cli.showCompletionScript();
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
    .fail((message, error, y) => {
      // A failed .check() hands its message over as a string: a usage error, not a command failure.
      if (error instanceof Error) throw error;
      process.stderr.write(`${y.help() ? '' : ''}Error: ${message}\nRun 'restflow --help' for usage.\n`);
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

export function describeError(error: unknown, verbose: boolean): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (isDaemonUnavailable(error)) return { message: (error as Error).message, exitCode: 69 };
  if (error instanceof TRPCClientError) {
    const code = (error.data as { code?: string } | undefined)?.code;
    return { message: `${error.message}${verbose && code ? ` [${code}]` : ''}`, exitCode: 1 };
  }
  const err = error as Error;
  return { message: verbose && err.stack ? err.stack : (err.message ?? String(error)), exitCode: 1 };
}

async function main(): Promise<void> {
  const argv = hideBin(process.argv);
  try {
    await buildCli(argv).parseAsync();
  } catch (error) {
    const { message, exitCode } = describeError(error, argv.includes('--verbose') || argv.includes('-v'));
    process.stderr.write(`Error: ${message}\n`);
    process.exitCode = exitCode;
  }
}

await main();
