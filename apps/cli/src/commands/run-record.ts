// `restflow run <agent> --record FILE` and `restflow run --replay FILE` (docs/record-replay.md): the daemon records
// and replays; the CLI only moves the recording between the file and the daemon.
import fs from 'node:fs';
import type { RestflowClient } from '@restflow/api/client';
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
