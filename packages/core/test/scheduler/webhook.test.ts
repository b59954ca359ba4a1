// Webhook triggers: token in constant time, enabled flag, body validation, per-task sliding-window rate limit.
import { describe, expect, it } from '@jest/globals';
import { tokenMatches } from '../../src/index.ts';
import { setupScheduler, stubRunner } from './helpers.ts';

function setup(rateLimit = 2) {
  const runner = stubRunner(Array.from({ length: 10 }, () => (request) => `ran: ${request.input}`));
  const s = setupScheduler({ agentRunner: runner });
  const created = s.createTask({ input: 'default input', memory: { persist_on_complete: false } });
  const task = s.services.tasks.update(created.id, { webhook: { enabled: true, rate_limit: rateLimit } });
  const token = task.webhook?.token as string;
  return { ...s, runner, task, token, auth: `Bearer ${token}` };
}

describe('WebhookTrigger', () => {
  it('accepts a good token: the run starts with the body input, the source is recorded', async () => {
    const { scheduler, task, auth, runner, streamOf } = setup();
    const reply = scheduler.webhooks.trigger({
      taskId: task.id,
      authorization: auth,
      body: { input: 'from the hook', source: 'github', metadata: { pr: 7 } },
    });
    expect(reply).toMatchObject({ status: 202, body: { accepted: true, task_id: task.id } });
    await scheduler.idle();
    expect(runner.calls[0]?.input).toBe('from the hook');
    const started = streamOf(task.id)[0];
    expect(started?.run_id).toBe(reply.body.run_id);
    expect(started?.kind).toMatchObject({ type: 'started', trigger: 'webhook', source: 'github' });

    // No body at all: the task's own input.
    expect(scheduler.webhooks.trigger({ taskId: task.id, authorization: auth, body: undefined }).status).toBe(202);
    await scheduler.idle();
    expect(runner.calls[1]?.input).toBe('default input');
  });

  it('refuses a missing or wrong token with 401 and runs nothing', () => {
    const { scheduler, task, token, runner, streamOf } = setup();
    for (const authorization of [undefined, 'Bearer', `Bearer ${token}x`, token, `Basic ${token}`, 'Bearer short']) {
      const reply = scheduler.webhooks.trigger({ taskId: task.id, authorization, body: {} });
      expect([authorization, reply.status, reply.headers]).toEqual([
        authorization,
        401,
        { 'www-authenticate': 'Bearer' },
      ]);
      expect(reply.body.accepted).toBe(false);
    }
    expect(runner.calls).toEqual([]);
    expect(streamOf(task.id)).toEqual([]);
  });

  it('answers 401 for an unknown task (as for a wrong token), 403 when disabled, 400 for a bad body, 409 while running', async () => {
    const { services, scheduler, task, auth } = setup();
    expect(scheduler.webhooks.trigger({ taskId: 'nope', authorization: auth, body: {} })).toMatchObject({
      status: 401,
      body: { accepted: false, error: 'unknown task or missing or invalid bearer token' },
    });
    // Ids are exact here: a prefix would let callers probe for tasks.
    expect(scheduler.webhooks.trigger({ taskId: task.id.slice(0, 8), authorization: auth, body: {} }).status).toBe(401);
    expect(scheduler.webhooks.trigger({ taskId: task.id, authorization: auth, body: { input: 5 } })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^input: /) },
    });
    expect(scheduler.webhooks.trigger({ taskId: task.id, authorization: auth, body: { extra: 1 } }).status).toBe(400);

    services.tasks.update(task.id, { webhook: { enabled: false } });
    expect(scheduler.webhooks.trigger({ taskId: task.id, authorization: auth, body: {} }).status).toBe(403);
    services.tasks.update(task.id, { webhook: { enabled: true } });

    const hang = setupScheduler({
      agentRunner: stubRunner([
        (r) => new Promise((_, reject) => r.signal.addEventListener('abort', () => reject(new Error('x')))),
      ]),
    });
    const busy = hang.services.tasks.update(hang.createTask().id, { webhook: { enabled: true } });
    const busyAuth = `Bearer ${busy.webhook?.token}`;
    expect(hang.scheduler.webhooks.trigger({ taskId: busy.id, authorization: busyAuth, body: {} }).status).toBe(202);
    expect(hang.scheduler.webhooks.trigger({ taskId: busy.id, authorization: busyAuth, body: {} })).toMatchObject({
      status: 409,
      body: { error: expect.stringContaining('already running') },
    });
    await hang.scheduler.cancel(busy.id);
  });

  it('limits bursts per task to rate_limit per minute with a sliding window (429 + Retry-After)', async () => {
    const { services, scheduler, task, auth } = setup(2);
    const fire = () => scheduler.webhooks.trigger({ taskId: task.id, authorization: auth, body: {} });
    expect(fire().status).toBe(202);
    await scheduler.idle();
    services.clock.advance(30_000);
    expect(fire().status).toBe(202);
    await scheduler.idle();
    const limited = fire();
    expect(limited).toMatchObject({ status: 429, headers: { 'retry-after': '30' }, body: { accepted: false } });
    services.clock.advance(30_001);
    expect(fire().status).toBe(202);
  });

  it('compares tokens on digests of equal length', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abcd')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
  });
});
