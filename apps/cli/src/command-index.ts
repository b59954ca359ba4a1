// Where each top-level command's code is. A command start loads only the module of the command it runs (in the
// bundle, its own chunk): parsing and evaluating every command's definitions cost more than Node's own start-up.
// `--help`, a mistyped command and shell completion load them all, to list them.
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from './command.ts';

// biome-ignore lint/suspicious/noExplicitAny: yargs command modules are heterogeneous in their argument types
export type AnyCommand = CommandModule<GlobalArgs, any>;

interface IndexEntry {
  /** The words the command answers to (its name and aliases), as its module declares them. */
  words: readonly string[];
  load(): Promise<AnyCommand>;
}

/** In `--help` order. A test checks each entry's words against the module it loads. */
export const COMMAND_INDEX: readonly IndexEntry[] = [
  { words: ['daemon'], load: async () => (await import('./commands/daemon.ts')).daemonCommand },
  { words: ['status'], load: async () => (await import('./commands/daemon.ts')).topLevelStatusCommand },
  { words: ['agent'], load: async () => (await import('./commands/agent.ts')).agentCommand },
  { words: ['chat'], load: async () => (await import('./commands/chat.ts')).chatCommand },
  { words: ['run'], load: async () => (await import('./commands/chat.ts')).runCommand },
  { words: ['runs'], load: async () => (await import('./commands/run-inspect.ts')).runsCommand },
  { words: ['watch'], load: async () => (await import('./commands/chat.ts')).watchCommand },
  { words: ['skill'], load: async () => (await import('./commands/skill.ts')).skillCommand },
  { words: ['session'], load: async () => (await import('./commands/session.ts')).sessionCommand },
  { words: ['config'], load: async () => (await import('./commands/config.ts')).configCommand },
  { words: ['info'], load: async () => (await import('./commands/info.ts')).infoCommand },
  { words: ['secret'], load: async () => (await import('./commands/secret.ts')).secretCommand },
  { words: ['security'], load: async () => (await import('./commands/security.ts')).securityCommand },
  { words: ['key'], load: async () => (await import('./commands/key.ts')).keyCommand },
  { words: ['memory'], load: async () => (await import('./commands/memory.ts')).memoryCommand },
  { words: ['auth'], load: async () => (await import('./commands/auth.ts')).authCommand },
  { words: ['task', 'tasks'], load: async () => (await import('./commands/task.ts')).taskCommand },
  { words: ['console'], load: async () => (await import('./commands/console.ts')).consoleCommand },
  { words: ['token'], load: async () => (await import('./commands/token.ts')).tokenCommand },
  { words: ['web'], load: async () => (await import('./commands/web.ts')).webCommand },
  { words: ['usage'], load: async () => (await import('./commands/usage.ts')).usageCommand },
  { words: ['logs'], load: async () => (await import('./commands/logs.ts')).logsCommand },
  { words: ['models'], load: async () => (await import('./commands/models.ts')).modelsCommand },
  { words: ['mcp'], load: async () => (await import('./commands/mcp.ts')).mcpCommand },
  { words: ['start'], load: async () => (await import('./commands/start.ts')).startCommand },
  { words: ['worker'], load: async () => (await import('./commands/worker.ts')).workerCommand },
  { words: ['workers'], load: async () => (await import('./commands/worker.ts')).workersCommand },
];

/**
 * The first word of the command line that is a command, not an option: before the command only the global
 * options can come, and of those only `--format` takes a value.
 */
export function firstCommandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--format') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

const VERSION_ONLY = new Set(['--version', '--format', 'text', 'json', '--format=text', '--format=json']);

/**
 * The command modules a command line needs: the one it names; none for a bare `--version`; all of them to list
 * (no command, `--help`, `completions`, shell completion) or to suggest one (an unknown word).
 */
export async function commandsFor(argv: readonly string[]): Promise<AnyCommand[]> {
  const first = firstCommandWord(argv);
  if (argv.includes('--version') && argv.every((a) => VERSION_ONLY.has(a))) return [];
  const named = first === undefined ? undefined : COMMAND_INDEX.find((entry) => entry.words.includes(first));
  return Promise.all((named ? [named] : COMMAND_INDEX).map((entry) => entry.load()));
}
