// config.execution (docs/workers.md): typed BAD_REQUESTs naming the key, and a Redis password never in an answer
// or an error.
import { describe, expect, it } from '@jest/globals';
import { createTestCaller, errorOf } from '@restflow/testkit';

const PASSWORD = 'router-redis-pw-5501';

describe('config.execution router', () => {
  it('sets the keys; the password goes to the secret store and no answer carries it', async () => {
    const { caller, services } = createTestCaller();
    expect(await caller.config.execution.get()).toMatchObject({ backend: 'local', redis_url: null });
    const saved = await caller.config.execution.set({
      execution: { redis_url: `redis://:${PASSWORD}@redis.internal:6379/0`, backend: 'queue' },
    });
    expect(saved).toMatchObject({
      backend: 'queue',
      redis_url: 'redis://redis.internal:6379/0',
      redis_password_secret: 'RESTFLOW_REDIS_PASSWORD',
      // This daemon started with the local backend: the keys apply at the next start.
      in_effect: { backend: 'local' },
    });
    expect(JSON.stringify(saved)).not.toContain(PASSWORD);
    expect(JSON.stringify(await caller.config.execution.get())).not.toContain(PASSWORD);
    expect(JSON.stringify(await caller.secrets.list())).not.toContain(PASSWORD);
    expect(services.secrets.getValue('RESTFLOW_REDIS_PASSWORD')).toBe(PASSWORD);
  });

  it('refuses bad values with BAD_REQUEST naming the key, never quoting the URL', async () => {
    const { caller } = createTestCaller();
    const noUrl = await errorOf(caller.config.execution.set({ execution: { backend: 'queue' } }));
    expect(noUrl.code).toBe('BAD_REQUEST');
    expect(noUrl.message).toMatch(/redis_url/);
    const badBackend = await errorOf(caller.config.execution.set({ execution: { backend: 'remote' } } as never));
    expect(badBackend.code).toBe('BAD_REQUEST');
    const badUrl = await errorOf(
      caller.config.execution.set({ execution: { redis_url: `https://:${PASSWORD}@redis.internal` } }),
    );
    expect(badUrl.code).toBe('BAD_REQUEST');
    expect(badUrl.message).toMatch(/redis_url/);
    expect(JSON.stringify(badUrl)).not.toContain(PASSWORD);
    const unknown = await errorOf(caller.config.execution.set({ execution: { url: 'x' } } as never));
    expect(unknown.code).toBe('BAD_REQUEST');
  });
});
