// Recording through the real services (in memory: no data dir) and replaying the recording as a `replay` run.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { resolvePaths } from '@restflow/paths';
import {
  createTestServices,
  removeDataDir,
  ScriptedLlm,
  scriptedFactory,
  tempDataDir,
  textTurn,
  toolTurn,
} from '@restflow/testkit';
import { MAX_RECORDING_BYTES, parseRecording } from '../../src/index.ts';

type Services = ReturnType<typeof createTestServices>;

/** The run's terminal event, read from its stream (replayed from the store when the run has already ended). */
async function terminal(services: Services, runId: string): Promise<Record<string, unknown>> {
  let last: Record<string, unknown> = {};
  for await (const event of services.runs.subscribe(runId)) last = event.kind as unknown as Record<string, unknown>;
  return last;
}

function setup(dataDir?: string) {
  const llm = new ScriptedLlm([
    toolTurn([{ id: 'c1', name: 'skill', args: { action: 'list' } }]),
    textTurn('No skills', ' yet.'),
  ]);
  const services = createTestServices({
    llm: scriptedFactory(llm),
    env: { ANTHROPIC_API_KEY: 'sk-ant-unit-test' },
    ...(dataDir ? { paths: resolvePaths(dataDir) } : {}),
  });
  const agent = services.agents.create('lister', { model: 'sonnet', tools: ['skill'], prompt: 'List skills.' });
  return { services, agent, llm };
}

describe('RunRecordings', () => {
  it('records an execution and replays it with the recorded answers, as a replay run that costs nothing', async () => {
    const { services, agent, llm } = setup();
    const started = await services.chat.startExecution(agent.id, 'which skills?', undefined, { record: true });
    expect(await terminal(services, started.run_id)).toMatchObject({ type: 'completed' });
    expect(services.recordings.has(started.run_id)).toBe(true);
    const recording = services.recordings.get(started.run_id.slice(0, 8));
    expect(recording.exchanges).toHaveLength(2);
    expect(recording.tool_results).toHaveLength(1);

    const replay = await services.recordings.replay(JSON.stringify(recording));
    expect(replay.replay_of).toBe(started.run_id);
    expect(await terminal(services, replay.run_id)).toMatchObject({
      type: 'completed',
      full_content: 'No skills yet.',
    });
    expect(llm.requests).toHaveLength(2); // the provider was not asked again
    expect(services.runs.get(replay.run_id)).toMatchObject({ kind: 'replay', usage: { calls: 0 } });
    expect(services.recordings.has(replay.run_id)).toBe(false);
    expect(() => services.recordings.get(replay.run_id)).toThrow(`Recording of run ${replay.run_id} not found`);
  });

  it('a changed agent fails the replay at the first divergent request', async () => {
    const { services, agent } = setup();
    const started = await services.chat.startExecution(agent.id, 'which skills?', undefined, { record: true });
    await services.runs.wait(started.run_id);
    services.agents.update(agent.id, { agent: { ...agent.agent, tools: [] } });
    const replay = await services.recordings.replay(services.recordings.get(started.run_id));
    const failed = await terminal(services, replay.run_id);
    expect(failed).toMatchObject({ type: 'failed', error_code: 'replay_diverged' });
    expect(failed.error).toMatch(/^replay diverged: request 1 differs: /);
    expect(services.runs.get(replay.run_id).error_code).toBe('replay_diverged');
  });

  it('refuses recordings of deleted agents and malformed recordings, clearly', async () => {
    const { services, agent } = setup();
    const started = await services.chat.startExecution(agent.id, 'which skills?', undefined, { record: true });
    await services.runs.wait(started.run_id);
    const recording = services.recordings.get(started.run_id);
    await expect(services.recordings.replay({ ...recording, agent: { ...recording.agent, id: null } })).rejects.toThrow(
      'only a stored agent can be replayed',
    );
    services.agents.delete(agent.id);
    await expect(services.recordings.replay(recording)).rejects.toThrow('(the recorded agent lister) not found');
    expect(() => parseRecording('{')).toThrow('the recording is not JSON');
    expect(() => parseRecording({ format: 'restflow.run-recording', version: 1 })).toThrow(
      'the recording is malformed: run_id, input, history, agent, exchanges, tool_results',
    );
    expect(() => parseRecording('x'.repeat(MAX_RECORDING_BYTES + 1))).toThrow('larger than');
  });

  it('with a data dir, keeps each recording as an owner-only file; a corrupt file is a clear error', async () => {
    const dir = tempDataDir('rfrec');
    try {
      const { services, agent } = setup(dir);
      const started = await services.chat.startExecution(agent.id, 'which skills?', undefined, { record: true });
      await services.runs.wait(started.run_id);
      const file = path.join(dir, 'recordings', `${started.run_id}.json`);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(services.recordings.has(started.run_id)).toBe(true);
      expect(services.recordings.get(started.run_id).run_id).toBe(started.run_id);
      expect(fs.readdirSync(path.join(dir, 'recordings'))).toEqual([`${started.run_id}.json`]);
      fs.writeFileSync(file, 'not json');
      expect(() => services.recordings.get(started.run_id)).toThrow('the recording is not JSON');
    } finally {
      removeDataDir(dir);
    }
  });
});
