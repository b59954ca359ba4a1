// `restflow chat <agent>` (interactive) and `restflow run <agent> -i TEXT` (one turn): both stream the agent's
// reply from the daemon's run, which keeps going if the terminal goes away (`--background` returns at once).
import readline from 'node:readline';
import type { RestflowClient } from '@restflow/api/client';
import { daemonLeaf } from '../command.ts';
import { CliError } from '../daemon-connection.ts';
import type { Output } from '../output.ts';
import { exitCodeOf, inputOrStdin, type RunResult, watchRun } from './run-stream.ts';

async function chatLoop(
  client: RestflowClient,
  out: Output,
  agentId: string | undefined,
  sessionId: string | undefined,
) {
  const interactive = process.stdin.isTTY === true;
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
  let session = sessionId;
  const results: RunResult[] = [];
  if (interactive) out.notice('Chatting — /exit or Ctrl-D to leave, Ctrl-C cancels a reply.');
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
    if (content === '/exit' || content === '/quit') break;
    const sent = await client.chat.send.mutate(
      session ? { session_id: session, content } : { agent_id: agentId as string, content },
    );
    session = sent.session_id;
    rl.off('SIGINT', leave);
    const result = await watchRun(client, sent.run_id, out, { interrupts: interactive ? rl : process });
    rl.on('SIGINT', leave);
    results.push(result);
    ask();
  }
  rl.close();
  if (out.json) out.printJson({ session_id: session ?? null, turns: results });
  else if (session) out.notice(`Session ${session}`);
}

export const chatCommand = daemonLeaf<{ agent?: string; session?: string }>(
  'chat [agent]',
  'Chat with an agent (a new session, or --session to continue one); lines from stdin when not a terminal',
  (y) =>
    y
      .positional('agent', { type: 'string', describe: 'Agent id or unique prefix' })
      .option('session', { alias: 's', type: 'string', describe: 'Continue this chat session' }),
  async (client, args, out) => {
    if (!args.agent && !args.session) throw new CliError('give an agent id, or --session to continue a chat', 2);
    await chatLoop(client, out, args.agent, args.session);
  },
);

export const runCommand = daemonLeaf<{ agent: string; input?: string; background: boolean; session?: string }>(
  'run <agent>',
  'Run an agent on one input and stream its answer (stdin when -i is omitted)',
  (y) =>
    y
      .positional('agent', { type: 'string', demandOption: true, describe: 'Agent id or unique prefix' })
      .option('input', { alias: 'i', type: 'string', describe: 'The input (default: stdin)' })
      .option('session', { alias: 's', type: 'string', describe: 'Record the turn in this chat session' })
      .option('background', {
        alias: 'b',
        type: 'boolean',
        default: false,
        describe: 'Start the run and return its id',
      }),
  async (client, args, out) => {
    const content = await inputOrStdin(args.input);
    if (!content) throw new CliError('no input: pass -i TEXT or pipe it on stdin', 2);
    const sent = await client.chat.send.mutate(
      args.session ? { session_id: args.session, content } : { agent_id: args.agent, content },
    );
    if (args.background) {
      out.result(
        `Run ${sent.run_id} started (session ${sent.session_id}); follow it with: restflow watch ${sent.run_id}`,
        {
          run_id: sent.run_id,
          session_id: sent.session_id,
          message_id: sent.message_id,
        },
      );
      return;
    }
    const result = await watchRun(client, sent.run_id, out);
    if (out.json) out.printJson(result);
    process.exitCode = exitCodeOf(result);
  },
);

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
