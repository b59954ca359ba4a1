// Issue 20's webhook findings: an unknown task and a wrong token get the same answer (no probing for task ids),
// and failed attempts are throttled per source.
import { describe, expect, it } from '@jest/globals';
import { WEBHOOK_FAILURE_LIMIT } from '../../src/scheduler/webhook.ts';
import { setupScheduler, stubRunner } from './helpers.ts';

function setup() {
  const runner = stubRunner(Array.from({ length: 10 }, () => (request) => `ran: ${request.input}`));
  const s = setupScheduler({ agentRunner: runner });
  const created = s.createTask({ input: 'default input', memory: { persist_on_complete: false } });
  const task = s.services.tasks.update(created.id, { webhook: { enabled: true, rate_limit: 100 } });
  return { ...s, runner, task, auth: `Bearer ${task.webhook?.token as string}` };
}

const withoutTime = ({ body, ...rest }: { body: { timestamp: number } }) => ({
  ...rest,
  body: { ...body, timestamp: 0 },
});

describe('webhook probing', () => {
  it('answers an unknown task exactly as a wrong token', () => {
    const { scheduler, task, auth } = setup();
    const wrongToken = scheduler.webhooks.trigger({ taskId: task.id, authorization: 'Bearer wrong', body: {} });
    const unknownTask = scheduler.webhooks.trigger({ taskId: 'no-such-task', authorization: auth, body: {} });
    const prefix = scheduler.webhooks.trigger({ taskId: task.id.slice(0, 8), authorization: auth, body: {} });
    expect(wrongToken.status).toBe(401);
    expect(withoutTime(unknownTask)).toEqual(withoutTime(wrongToken));
    expect(withoutTime(prefix)).toEqual(withoutTime(wrongToken));
    expect(JSON.stringify(unknownTask)).not.toContain('no-such-task');
  });

  it('throttles failed attempts per source: 429 with retry-after, even for a good token, until the window passes', async () => {
    const { scheduler, services, task, auth } = setup();
    const attempt = (source: string, authorization: string, taskId = task.id) =>
      scheduler.webhooks.trigger({ taskId, authorization, body: {}, source });
    for (let i = 0; i < WEBHOOK_FAILURE_LIMIT; i++) {
      expect(attempt('10.0.0.9', 'Bearer guess', i % 2 === 0 ? task.id : `guess-${i}`).status).toBe(401);
    }
    const throttled = attempt('10.0.0.9', auth);
    expect(throttled).toMatchObject({ status: 429, headers: { 'retry-after': expect.stringMatching(/^\d+$/) } });
    expect(attempt('10.0.0.9', 'Bearer guess').status).toBe(429);
    // Another source is not affected.
    expect(attempt('10.0.0.10', auth).status).toBe(202);
    await scheduler.idle();
    services.clock.advance(60_001);
    expect(attempt('10.0.0.9', auth).status).toBe(202);
  });

  it('refuses an input with an unpaired surrogate instead of storing it altered', () => {
    const { scheduler, task, auth, runner } = setup();
    const reply = scheduler.webhooks.trigger({ taskId: task.id, authorization: auth, body: { input: 'x\uD800' } });
    expect(reply).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^input: .*surrogate/) } });
    expect(runner.calls).toEqual([]);
  });
});
