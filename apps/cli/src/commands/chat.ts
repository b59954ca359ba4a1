// `restflow chat <agent>` (interactive) and `restflow run <agent> -i TEXT` (one turn): both stream the agent's
// reply from the daemon's run, which keeps going if the terminal goes away (`--background` returns at once).
import readline from 'node:readline';
import type { RestflowClient } from '@restflow/api/client';
import { daemonLeaf } from '../command.ts';
import { CliError } from '../daemon-connection.ts';
import type { Output } from '../output.ts';
import { runRecorded, runReplay } from './run-record.ts';
import { exitCodeOf, inputOrStdin, type RunResult, watchRun } from './run-stream.ts';

const REPL_HELP = [
  'Commands (a line starting with / is never sent to the agent):',
  '  /help      this list',
  '  /new       start a new chat session with the same agent',
  '  /session   show the current session (resume it later with restflow chat --session <id>)',
  '  /exit      leave (also /quit, Ctrl-D, or Ctrl-C at the prompt)',
  'Ctrl-C during a reply cancels it.',
].join('\n');

async function chatLoop(
  client: RestflowClient,
  out: Output,
  agentId: string | undefined,
  sessionId: string | undefined,
) {
  const interactive = process.stdin.isTTY === true;
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
  let session = sessionId;
  // /new needs the agent; a chat resumed with --session learns it from the session.
  const agent = agentId ?? (sessionId ? (await client.sessions.get.query({ id: sessionId })).agent_id : undefined);
  const sessions = new Set<string>();
  const results: RunResult[] = [];
  if (interactive) out.notice('Chatting — /help for commands, /exit or Ctrl-D to leave, Ctrl-C cancels a reply.');
  const ask = () => {
    if (interactive) rl.prompt();
  };
  rl.setPrompt('you> ');
  // Ctrl-C at the prompt leaves; during a reply watchRun takes it (and cancels the run).
  const leave = () => rl.close();
  rl.on('SIGINT', leave);
  ask();
  for await (const line of rl) {
    const content = line.trim();
    if (content === '') {
      ask();
      continue;
    }
    if (content.startsWith('/')) {
      const command = content.split(/\s+/)[0]?.toLowerCase();
      if (command === '/exit' || command === '/quit') break;
      if (command === '/help') out.notice(REPL_HELP);
      else if (command === '/new') {
        session = undefined;
        out.notice('New session: your next message starts it.');
      } else if (command === '/session') {
        if (!session) out.notice('No session yet: your next message starts one.');
        else {
          const current = await client.sessions.get.query({ id: session });
          out.notice(`Session ${current.id} "${current.name}" (${current.metadata.message_count} messages)`);
        }
      } else out.notice(`Unknown command ${command}; /help lists the commands.`);
      ask();
      continue;
    }
    const sent = await client.chat.send.mutate(
      session ? { session_id: session, content } : { agent_id: agent as string, content },
    );
    session = sent.session_id;
    sessions.add(sent.session_id);
    rl.off('SIGINT', leave);
    const result = await watchRun(client, sent.run_id, out, { interrupts: interactive ? rl : process });
    rl.on('SIGINT', leave);
    results.push(result);
    ask();
  }
  rl.close();
  if (out.json) out.printJson({ session_id: session ?? null, sessions: [...sessions], turns: results });
  else {
    // After /new without a message the last session used is the one to come back to.
    const resume = session ?? [...sessions].at(-1);
    if (resume) out.notice(`Session ${resume}\nResume it with: restflow chat --session ${resume}`);
  }
}

export const chatCommand = daemonLeaf<{ agent?: string; session?: string }>(
  'chat [agent]',
  'Chat with an agent (a new session, or --session to continue one); lines from stdin when not a terminal',
  (y) =>
    y
      .positional('agent', { type: 'string', describe: 'Agent name, id or unique id prefix' })
      .option('session', { alias: 's', type: 'string', describe: 'Continue this chat session' }),
  async (client, args, out) => {
    if (!args.agent && !args.session) throw new CliError('give an agent id, or --session to continue a chat', 2);
    await chatLoop(client, out, args.agent, args.session);
  },
);

export const runCommand = daemonLeaf<{
  agent?: string;
  input?: string;
  background: boolean;
  session?: string;
  save: boolean;
  record?: string;
  replay?: string;
}>(
  'run [agent]',
  'One shot: run an agent (name or id) on one input, stream the answer, exit. Not kept as a chat session ' +
    'unless --save (a new one) or --session (append to one). `agent exec` is the same run for scripts: with ' +
    '--format json it waits and prints the whole execution (steps, tokens). `runs list | show | diff` inspect ' +
    'past runs. --record FILE keeps the run for `run --replay FILE`, which re-runs it offline and fails where ' +
    'the agent no longer behaves as recorded',
  (y) =>
    y
      .positional('agent', { type: 'string', describe: 'Agent name, id or unique id prefix' })
      .option('record', {
        type: 'string',
        describe: 'Write the run’s provider exchanges and tool results (secrets redacted) to FILE',
      })
      .option('replay', {
        type: 'string',
        describe: 'Re-run a recording offline (no provider, no tools executed); fails at the first divergence',
      })
      .check((argv) => {
        // Checked here rather than with .conflicts(): --save and --background default to false, which yargs
        // would count as given.
        if (argv.replay !== undefined) {
          if (argv.agent || argv.input !== undefined || argv.save || argv.session || argv.background || argv.record)
            throw new Error('--replay FILE runs the recorded agent on the recorded input: it takes no other argument');
        } else if (!argv.agent) throw new Error('name the agent to run (or --replay FILE)');
        if (argv.record !== undefined && (argv.save || argv.session || argv.background))
          throw new Error(
            '--record waits for the run and keeps it out of chat sessions: drop --save, --session, --background',
          );
        return true;
      })
      .option('input', { alias: 'i', type: 'string', describe: 'The input (default: stdin)' })
      .option('save', { type: 'boolean', default: false, describe: 'Keep the turn as a new chat session' })
      .option('session', { alias: 's', type: 'string', describe: 'Record the turn in this chat session' })
      .option('background', {
        alias: 'b',
        type: 'boolean',
        default: false,
        describe: 'Start the run and return its id',
      })
      .conflicts('save', 'session'),
  (client, args, out) => {
    if (args.replay) return runReplay(client, { replay: args.replay }, out);
    const agent = args.agent as string;
    if (args.record) return runRecorded(client, { agent, input: args.input, record: args.record }, out);
    return runOnce(client, { ...args, agent }, out);
  },
);

async function runOnce(
  client: RestflowClient,
  args: { agent: string; input?: string; background: boolean; session?: string; save: boolean },
  out: Output,
): Promise<void> {
  {
    const content = await inputOrStdin(args.input);
    if (!content) throw new CliError('no input: pass -i TEXT or pipe it on stdin', 2);
    // Saved turns go through chat.send (a session, listed with the chats); others are executions, in no session.
    const sent =
      args.save || args.session
        ? await client.chat.send.mutate(
            args.session ? { session_id: args.session, content } : { agent_id: args.agent, content },
          )
        : await client.agents.run.mutate({ id: args.agent, input: content });
    const sessionId = sent.session_id ?? null;
    if (args.background) {
      out.result(
        `Run ${sent.run_id} started${sessionId ? ` (session ${sessionId})` : ''}; follow it with: restflow watch ${sent.run_id}`,
        { run_id: sent.run_id, session_id: sessionId, message_id: sent.message_id ?? null },
      );
      return;
    }
    const result = await watchRun(client, sent.run_id, out);
    if (out.json) out.printJson(result);
    else if (sessionId) out.notice(`Saved in session ${sessionId}: restflow chat --session ${sessionId}`);
    process.exitCode = exitCodeOf(result);
  }
}

export const watchCommand = daemonLeaf<{ run: string }>(
  'watch <run>',
  'Follow a run (from its start, then live) until it ends; Ctrl-C cancels it',
  (y) => y.positional('run', { type: 'string', demandOption: true, describe: 'Run id or unique prefix' }),
  async (client, args, out) => {
    const run = await client.runs.get.query({ id: args.run });
    const result = await watchRun(client, run.id, out);
    if (out.json) out.printJson(result);
    process.exitCode = exitCodeOf(result);
  },
);
