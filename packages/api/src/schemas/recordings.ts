// Record and replay (docs/record-replay.md): a recorded run's file, and the replay of one.
import { z } from 'zod';
import { idSchema } from './common.ts';
import { TEXT_LIMITS, text } from './limits.ts';

/** A recording sent for replay is refused above this many characters (well inside the transports' frame limit). */
export const MAX_RECORDING_CHARS = TEXT_LIMITS.recording;

export const replayRunInput = z.strictObject({
  /** The recording file's JSON text, as `runs.recording` returned it. */
  recording: text('recording', 'recording').min(1, 'recording: empty'),
});

export const startedReplaySchema = z
  .strictObject({
    run_id: z.string(),
    /** The run the recording was made from. */
    replay_of: z.string(),
  })
  .meta({ id: 'StartedReplay' });

export const runRecordingInput = z.strictObject({ id: idSchema });

export const runRecordingSchema = z
  .object({
    format: z.literal('restflow.run-recording'),
    version: z.literal(1),
    run_id: z.string(),
    recorded_at: z.number(),
    agent: z.object({
      id: z.string().nullable(),
      name: z.string().nullable(),
      model: z.string(),
      provider: z.string(),
    }),
    task_id: z.string().nullable(),
    input: z.string(),
    history: z.array(z.unknown()),
    /** Each provider call: `request` (model, messages, tools, …), the streamed `chunks`, and an `error` if it failed. */
    exchanges: z.array(z.unknown()),
    tool_results: z.array(
      z.object({
        tool_id: z.string(),
        tool_name: z.string(),
        arguments: z.string(),
        success: z.boolean(),
        result: z.string(),
        duration_ms: z.number(),
      }),
    ),
  })
  .meta({ id: 'RunRecording', description: 'A recorded run (secrets redacted), replayable offline' });
