// runs.recording and runs.replay through the router: typed errors for what cannot be replayed, and a replay that
// runs offline with the recorded answers (docs/record-replay.md).
import { describe, expect, it } from '@jest/globals';
import {
  createTestCaller,
  createTestServices,
  errorOf,
  ScriptedLlm,
  scriptedFactory,
  textTurn,
} from '@restflow/testkit';
import { TEXT_LIMITS } from '../src/schemas/limits.ts';

function setup() {
  const llm = new ScriptedLlm([textTurn('Hello ', 'there.')]);
  const services = createTestServices({ llm: scriptedFactory(llm), env: { ANTHROPIC_API_KEY: 'sk-ant-router-test' } });
  return { ...createTestCaller(services), llm };
}

describe('runs.recording / runs.replay', () => {
  it('records agents.run with record: true and replays it without the provider', async () => {
    const { caller, services, llm } = setup();
    const agent = await caller.agents.create({ name: 'greeter', agent: { model: 'sonnet' } });
    const started = await caller.agents.run({ id: agent.id, input: 'hi', record: true });
    await services.runs.wait(started.run_id);
    const recording = await caller.runs.recording({ id: started.run_id });
    expect(recording).toMatchObject({ format: 'restflow.run-recording', version: 1, input: 'hi' });
    const replay = await caller.runs.replay({ recording: JSON.stringify(recording) });
    expect(replay.replay_of).toBe(started.run_id);
    let last: { type: string; full_content?: string } = { type: '' };
    for await (const event of services.runs.subscribe(replay.run_id)) last = event.kind as typeof last;
    expect(last).toMatchObject({ type: 'completed', full_content: 'Hello there.' });
    expect((await caller.runs.get({ id: replay.run_id })).kind).toBe('replay');
    expect(llm.requests).toHaveLength(1);
  });

  it('answers NOT_FOUND for a run without a recording, BAD_REQUEST for what is not a recording', async () => {
    const { caller, services } = setup();
    const agent = await caller.agents.create({ name: 'plain', agent: { model: 'sonnet' } });
    const started = await caller.agents.run({ id: agent.id, input: 'hi' });
    await services.runs.wait(started.run_id);
    expect((await errorOf(caller.runs.recording({ id: started.run_id }))).code).toBe('NOT_FOUND');
    for (const recording of ['{', '{"format":"x"}', '{"format":"restflow.run-recording","version":2}']) {
      expect((await errorOf(caller.runs.replay({ recording }))).code).toBe('BAD_REQUEST');
    }
    const tooLarge = await errorOf(caller.runs.replay({ recording: 'x'.repeat(TEXT_LIMITS.recording + 1) }));
    expect(tooLarge.code).toBe('BAD_REQUEST');
    expect(tooLarge.message).toMatch(/recording/);
    expect((await errorOf(caller.runs.replay({ recording: '' }))).code).toBe('BAD_REQUEST');
  });
});
