// Where recordings live and how a recording is run again (docs/record-replay.md). Recordings are files under
// `<data dir>/recordings/<run id>.json` (owner-only), written when the recorded run settles, before its terminal
// event is published; a replay is a `replay` run of the recorded agent as it is defined now, its provider and
// tools served from the recording.
import fs from 'node:fs';
import path from 'node:path';
import type { CoreContext } from '../core-context.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import type { LlmMessage } from '../llm/types.ts';
import type { AgentEngine, AgentRef, PreparedAgent } from './agent-engine.ts';
import { RECORDING_FORMAT, RECORDING_VERSION, RunRecorder, type RunRecording, RunReplayer } from './recording.ts';
import type { RunManager } from './run-manager.ts';

/** A replay is refused above this size (the procedure's input limit says the same). */
export const MAX_RECORDING_BYTES = 8 * 1024 * 1024;

export interface RecordingRequest {
  runId: string;
  prepared: PreparedAgent;
  input: string;
  history: LlmMessage[];
  taskId?: string;
}

/** A started replay, as `runs.replay` returns it. */
export interface StartedReplay {
  run_id: string;
  /** The run the recording was made from. */
  replay_of: string;
}

export class RunRecordings {
  /** Recordings of a daemon without a data directory (unit tests) stay in memory. */
  private readonly memory = new Map<string, RunRecording>();

  constructor(
    private readonly core: CoreContext,
    private readonly engine: AgentEngine,
    private readonly runs: RunManager,
    private readonly agents: { get(id: string): { id: string; name: string; agent: AgentRef['node'] } },
  ) {}

  private get dir(): string | undefined {
    return this.core.paths ? path.join(this.core.paths.dataDir, 'recordings') : undefined;
  }

  /** The prepared agent with its provider and tool ports recorded, and `save` to call when the run settles. */
  record(request: RecordingRequest): { prepared: PreparedAgent; save: () => void } {
    const { prepared } = request;
    const recorder = new RunRecorder({
      run_id: request.runId,
      recorded_at: this.core.clock.now(),
      agent: {
        id: prepared.agent.id ?? null,
        name: prepared.agent.name ?? null,
        model: prepared.model.model,
        provider: prepared.model.provider,
      },
      task_id: request.taskId ?? null,
      input: request.input,
      history: request.history,
    });
    return {
      prepared: { ...prepared, client: recorder.client(prepared.client), tools: recorder.tools(prepared.tools) },
      save: () => this.save(request.runId, recorder.recording(this.core.redactor)),
    };
  }

  private save(runId: string, recording: RunRecording): void {
    const dir = this.dir;
    if (!dir) {
      this.memory.set(runId, recording);
      return;
    }
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `${runId}.json`);
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, `${JSON.stringify(recording, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(partial, file);
  }

  /** Whether the run was recorded. */
  has(runIdOrPrefix: string): boolean {
    const runId = this.runs.resolveId(runIdOrPrefix);
    const dir = this.dir;
    return dir ? fs.existsSync(path.join(dir, `${runId}.json`)) : this.memory.has(runId);
  }

  /** The recording of a run; NotFoundError when the run was not recorded. */
  get(runIdOrPrefix: string): RunRecording {
    const runId = this.runs.resolveId(runIdOrPrefix);
    const dir = this.dir;
    if (!dir) {
      const kept = this.memory.get(runId);
      if (!kept) throw new NotFoundError('Recording of run', runId);
      return kept;
    }
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, `${runId}.json`), 'utf8');
    } catch {
      throw new NotFoundError('Recording of run', runId);
    }
    return parseRecording(text);
  }

  /**
   * Starts a replay of `recording` (JSON text or a parsed recording) and returns at once; it fails at the first
   * request that differs from the recorded one, naming what changed.
   */
  async replay(recording: string | unknown): Promise<StartedReplay> {
    const recorded = parseRecording(recording);
    if (!recorded.agent.id) {
      throw new InvalidInputError('the recording is of an unsaved agent: only a stored agent can be replayed');
    }
    let stored: ReturnType<RunRecordings['agents']['get']>;
    try {
      stored = this.agents.get(recorded.agent.id);
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new NotFoundError(
          'Agent',
          `${recorded.agent.id} (the recorded agent${recorded.agent.name ? ` ${recorded.agent.name}` : ''})`,
        );
      }
      throw error;
    }
    const replayer = new RunReplayer(recorded, this.core.redactor);
    const agent: AgentRef = { id: stored.id, name: stored.name, node: stored.agent };
    const prepared = await this.engine.prepare(agent, { client: replayer.client(recorded.agent.provider) });
    const handle = this.runs.start({
      kind: 'replay',
      prepared: { ...prepared, tools: replayer.tools(prepared.tools) },
      history: recorded.history,
      input: recorded.input,
      dryMeter: true,
    });
    return { run_id: handle.runId, replay_of: recorded.run_id };
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A recording from JSON text or a value, checked enough that a replay cannot trip over its shape. */
export function parseRecording(input: string | unknown): RunRecording {
  let value = input;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input) > MAX_RECORDING_BYTES) {
      throw new InvalidInputError(`the recording is larger than ${MAX_RECORDING_BYTES} bytes`);
    }
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new InvalidInputError(`the recording is not JSON: ${(error as Error).message}`);
    }
  }
  if (!isObject(value) || value.format !== RECORDING_FORMAT) {
    throw new InvalidInputError(`not a RestFlow run recording (expected "format": "${RECORDING_FORMAT}")`);
  }
  if (value.version !== RECORDING_VERSION) {
    throw new InvalidInputError(
      `recording version ${String(value.version)} is not supported (this daemon reads version ${RECORDING_VERSION})`,
    );
  }
  const problems: string[] = [];
  if (typeof value.run_id !== 'string') problems.push('run_id');
  if (typeof value.input !== 'string') problems.push('input');
  if (!Array.isArray(value.history)) problems.push('history');
  if (!isObject(value.agent) || typeof value.agent.model !== 'string' || typeof value.agent.provider !== 'string')
    problems.push('agent');
  if (!Array.isArray(value.exchanges) || !value.exchanges.every((e) => isObject(e) && Array.isArray(e.chunks)))
    problems.push('exchanges');
  if (
    !Array.isArray(value.tool_results) ||
    !value.tool_results.every((r) => isObject(r) && typeof r.tool_id === 'string')
  )
    problems.push('tool_results');
  if (problems.length > 0) throw new InvalidInputError(`the recording is malformed: ${problems.join(', ')}`);
  return value as unknown as RunRecording;
}
