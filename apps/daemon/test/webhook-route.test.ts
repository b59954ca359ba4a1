// The webhook trigger over the daemon's real HTTP listener, and the scheduler's place in the daemon's lifecycle.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HEARTBEAT_STREAM } from '@restflow/core';
import { removeDataDir, tempDataDir } from '@restflow/testkit';
import { createLogger, type RunningDaemon, startDaemon } from '../src/index.ts';

let daemon: RunningDaemon;
let dir: string;
let url: string;

beforeAll(async () => {
  dir = tempDataDir('rfw');
  daemon = await startDaemon({
    dataDir: dir,
    logger: createLogger(undefined, 'silent'),
    http: { host: '127.0.0.1', port: 0 },
  });
  url = daemon.status().transports.find((t) => t.kind === 'http')?.address as string;
});

afterAll(async () => {
  await daemon.stop('test over');
  removeDataDir(dir);
});

async function post(path: string, body: unknown, token?: string) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('POST /hooks/trigger/:taskId', () => {
  it('runs the task for a good token, 401 otherwise and for unknown tasks, 429 over the limit', async () => {
    const { services } = daemon;
    const agent = services.agents.create('Hooked');
    const created = services.tasks.create({
      name: 'Hook target',
      agent_id: agent.id,
      execution_mode: { type: 'cli', binary: process.execPath, args: ['-e', 'console.log(process.argv.at(-1))'] },
    });
    const task = services.tasks.update(created.id, { webhook: { enabled: true, rate_limit: 2 } });
    const token = task.webhook?.token as string;

    const bad = await post(`/hooks/trigger/${task.id}`, {}, 'wrong');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post(`/hooks/trigger/${task.id}`, {})).status).toBe(401);
    expect(services.scheduler.stream.lastSeq(task.id)).toBe(0);
    // An unknown task is answered as a wrong token is (no probing for task ids).
    expect((await post('/hooks/trigger/no-such-task', {}, token)).status).toBe(401);

    const good = await post(`/hooks/trigger/${task.id}`, { input: 'from a hook', source: 'test' }, token);
    expect(good.status).toBe(202);
    expect(good.body).toMatchObject({ accepted: true, task_id: task.id, run_id: expect.any(String) });
    await services.scheduler.idle();
    const events = services.scheduler.stream.list(task.id);
    expect(events.find((e) => e.kind.type === 'output')?.kind).toMatchObject({ text: 'from a hook' });
    expect(events.at(-1)?.kind.type).toBe('completed');

    expect((await post(`/hooks/trigger/${task.id}`, undefined, token)).status).toBe(202);
    await services.scheduler.idle();
    const limited = await post(`/hooks/trigger/${task.id}`, {}, token);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('the scheduler runs inside the daemon: started with it, heartbeat status recorded', () => {
    const statuses = daemon.services.events
      .listAfter(HEARTBEAT_STREAM)
      .filter((e) => e.type === 'status_change')
      .map((e) => e.payload.status);
    expect(statuses.slice(0, 2)).toEqual(['starting', 'running']);
  });
});
