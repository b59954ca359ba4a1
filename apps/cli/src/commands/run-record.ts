// `restflow run <agent> --record FILE` and `restflow run --replay FILE` (docs/record-replay.md): the daemon records
// and replays; the CLI only moves the recording between the file and the daemon.
import fs from 'node:fs';
import type { RestflowClient } from '@restflow/api/client';
import { daemonLeaf } from '../command.ts';
import { CliError } from '../daemon-connection.ts';
import type { Output } from '../output.ts';
import { exitCodeOf, inputOrStdin, watchRun } from './run-stream.ts';

/** Runs the agent with recording on, streams it, then writes its recording (secrets redacted) to `file`. */
export async function runRecorded(
  client: RestflowClient,
  args: { agent: string; input?: string; record: string },
  out: Output,
): Promise<void> {
  const content = await inputOrStdin(args.input);
  if (!content) throw new CliError('no input: pass -i TEXT or pipe it on stdin', 2);
  const sent = await client.agents.run.mutate({ id: args.agent, input: content, record: true });
  const result = await watchRun(client, sent.run_id, out);
  const recording = await client.runs.recording.query({ id: sent.run_id });
  fs.writeFileSync(args.record, `${JSON.stringify(recording, null, 2)}\n`, { mode: 0o600 });
  if (out.json) out.printJson({ ...result, recording: args.record });
  else
    out.notice(`Recorded run ${sent.run_id} in ${args.record}; replay it with: restflow run --replay ${args.record}`);
  process.exitCode = exitCodeOf(result);
}

/** Sends the recording to the daemon, which replays it offline; a divergence fails the run and the command. */
export async function runReplay(client: RestflowClient, args: { replay: string }, out: Output): Promise<void> {
  let text: string;
  try {
    text = fs.readFileSync(args.replay, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the recording ${args.replay}: ${(error as Error).message}`, 2);
  }
  const started = await client.runs.replay.mutate({ recording: text });
  if (!out.json) out.notice(`Replaying run ${started.replay_of} as run ${started.run_id} (offline)`);
  const result = await watchRun(client, started.run_id, out);
  if (out.json) out.printJson({ ...result, replay_of: started.replay_of });
  process.exitCode = exitCodeOf(result);
}

/** `restflow runs recording <run> [-o FILE]`: a recorded run's file (a task with `--record`, or `run --record`). */
export const runRecordingCommand = daemonLeaf<{ run: string; output?: string }>(
  'recording <run>',
  'Download the recording of a recorded run (tasks created with --record keep one per run); replay it with ' +
    'restflow run --replay FILE',
  (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'Run id or unique prefix' })
      .option('output', { alias: 'o', type: 'string', describe: 'Write it to FILE (default: stdout)' }),
  async (client, args, out) => {
    const recording = await client.runs.recording.query({ id: args.run });
    const text = `${JSON.stringify(recording, null, 2)}\n`;
    if (!args.output) {
      out.write(text);
      return;
    }
    fs.writeFileSync(args.output, text, { mode: 0o600 });
    out.result(`Recording of run ${recording.run_id} written to ${args.output}`, {
      run_id: recording.run_id,
      file: args.output,
    });
  },
);
