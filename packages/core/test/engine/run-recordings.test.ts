// Recording through the real services (in memory: no data dir) and replaying the recording as a `replay` run.
import { describe, expect, it } from '@jest/globals';
import { createTestServices, ScriptedLlm, scriptedFactory, textTurn, toolTurn } from '@restflow/testkit';
import { MAX_RECORDING_BYTES, parseRecording } from '../../src/index.ts';

function setup() {
  const llm = new ScriptedLlm([
    toolTurn([{ id: 'c1', name: 'skill', args: { action: 'list' } }]),
    textTurn('No skills', ' yet.'),
  ]);
  const services = createTestServices({ llm: scriptedFactory(llm), env: { ANTHROPIC_API_KEY: 'sk-ant-unit-test' } });
  const agent = services.agents.create('lister', { model: 'sonnet', tools: ['skill'], prompt: 'List skills.' });
  return { services, agent, llm };
}

describe('RunRecordings', () => {
  it('records an execution and replays it with the recorded answers, as a replay run that costs nothing', async () => {
    const { services, agent, llm } = setup();
    const started = await services.chat.startExecution(agent.id, 'which skills?', undefined, { record: true });
    const outcome = await services.runs.wait(started.run_id);
    expect(outcome?.status).toBe('completed');
    expect(services.recordings.has(started.run_id)).toBe(true);
    const recording = services.recordings.get(started.run_id.slice(0, 8));
    expect(recording.exchanges).toHaveLength(2);
    expect(recording.tool_results).toHaveLength(1);

    const replay = await services.recordings.replay(JSON.stringify(recording));
    expect(replay.replay_of).toBe(started.run_id);
    const replayed = await services.runs.wait(replay.run_id);
    expect(replayed).toMatchObject({ status: 'completed', content: 'No skills yet.' });
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
    const outcome = await services.runs.wait(replay.run_id);
    expect(outcome?.status).toBe('failed');
    expect(outcome?.error).toMatch(/^replay diverged: request 1 differs: /);
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
});
