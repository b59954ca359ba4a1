// The `execution.*` config keys (docs/workers.md): validated, a Redis password moved to the secret store and never
// part of what the settings show or of an error, the daemon's settings built from the keys with the environment
// winning over them.
import { describe, expect, it } from '@jest/globals';
import { createDb } from '@restflow/db';
import { createTestServices } from '@restflow/testkit';
import { createServices, InvalidInputError, REDIS_PASSWORD_SECRET } from '../../src/index.ts';

const PASSWORD = 'pw-execution-Sett1ngs/+?';
const WITH_PASSWORD = `redis://:${encodeURIComponent(PASSWORD)}@10.0.0.5:6380/2`;

describe('execution settings', () => {
  it('defaults to the local backend, nothing from the environment', () => {
    const s = createTestServices();
    expect(s.execution.view()).toEqual({
      backend: 'local',
      redis_url: null,
      redis_password_secret: null,
      queue: 'default',
      queue_prefix: 'restflow',
      in_effect: {
        backend: 'local',
        redis_url: null,
        queue: 'default',
        queue_prefix: 'restflow',
        from_environment: [],
      },
    });
  });

  it('keeps a Redis password as a secret: the URL is stored without it, the view never has it', () => {
    const s = createTestServices();
    const view = s.execution.set({ redis_url: WITH_PASSWORD, backend: 'queue', queue: 'jobs', queue_prefix: 'rf' });
    expect(view).toMatchObject({
      backend: 'queue',
      redis_url: 'redis://10.0.0.5:6380/2',
      redis_password_secret: REDIS_PASSWORD_SECRET,
      queue: 'jobs',
      queue_prefix: 'rf',
    });
    expect(JSON.stringify(view)).not.toContain(PASSWORD);
    expect(JSON.stringify(s.execution.stored())).not.toContain(PASSWORD);
    expect(JSON.stringify(s.config.get())).not.toContain(PASSWORD);
    expect(s.secrets.get(REDIS_PASSWORD_SECRET).value).toBe(PASSWORD);
    // The secret list names it, without its value; the redactor knows the value.
    expect(JSON.stringify(s.secrets.list())).not.toContain(PASSWORD);
    expect(s.redactor.redact(`connect with ${PASSWORD}`)).not.toContain(PASSWORD);

    // A URL without a password keeps the stored one; an empty URL removes both.
    expect(s.execution.set({ redis_url: 'redis://10.0.0.6:6379' }).redis_password_secret).toBe(REDIS_PASSWORD_SECRET);
    expect(() => s.execution.set({ redis_url: '' })).toThrow(/needs execution.redis_url/);
    const unset = s.execution.set({ backend: 'local', redis_url: '' });
    expect(unset).toMatchObject({ backend: 'local', redis_url: null, redis_password_secret: null });
    expect(s.secrets.has(REDIS_PASSWORD_SECRET).exists).toBe(false);
  });

  it('refuses bad values by name, without quoting a URL that may hold a password', () => {
    const s = createTestServices();
    const refused = (patch: Parameters<typeof s.execution.set>[0], message: RegExp) => {
      let error: unknown;
      try {
        s.execution.set(patch);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(PASSWORD);
    };
    refused({ backend: 'queue' }, /redis_url.*needs execution.redis_url/);
    refused({ backend: 'remote' as 'queue' }, /backend.*local or queue/);
    refused({ redis_url: `http://:${PASSWORD}@host:6379` }, /redis_url.*redis:\/\//);
    refused({ redis_url: `:${PASSWORD}@host` }, /redis_url.*must be a URL/);
    refused({ redis_url: `redis://:${encodeURIComponent(PASSWORD)}@host:6379/x/y` }, /database number/);
    refused({ queue: 'a:b' }, /queue.*A-Z/);
    refused({ queue_prefix: 'x'.repeat(65) }, /queue_prefix/);
    // Nothing was written by a refused change.
    expect(s.execution.stored()).toEqual({ backend: 'local', redis_url: null, queue: null, queue_prefix: null });
    expect(s.secrets.has(REDIS_PASSWORD_SECRET).exists).toBe(false);
  });

  it('builds the daemon settings from the keys, the password put back; environment variables win', () => {
    const db = createDb(':memory:');
    // The same master key at each start, as a daemon's master.key gives it.
    const key = { RESTFLOW_MASTER_KEY: 'ab'.repeat(32) };
    const first = createServices({ db, env: key });
    first.execution.set({ redis_url: WITH_PASSWORD, backend: 'queue', queue: 'jobs' });
    // Another daemon start on the same database: read once, at start.
    const keysOnly = createServices({ db, env: key }).execution;
    expect(keysOnly.settings()).toMatchObject({
      backend: 'queue',
      redisUrl: WITH_PASSWORD,
      queue: 'jobs',
      prefix: 'restflow',
    });
    // Once in the URL the daemon connects with, the password is percent-encoded: that form is redacted too.
    expect(createServices({ db, env: key }).redactor.redact(WITH_PASSWORD)).not.toContain(encodeURIComponent(PASSWORD));
    expect(keysOnly.view().in_effect).toEqual({
      backend: 'queue',
      redis_url: 'redis://10.0.0.5:6380/2',
      queue: 'jobs',
      queue_prefix: 'restflow',
      from_environment: [],
    });
    const overridden = createServices({
      db,
      env: { ...key, RESTFLOW_EXECUTION_BACKEND: 'local', RESTFLOW_QUEUE: 'other' },
    }).execution;
    expect(overridden.settings()).toMatchObject({ backend: 'local', redisUrl: WITH_PASSWORD, queue: 'other' });
    expect(overridden.view().in_effect.from_environment).toEqual(['RESTFLOW_EXECUTION_BACKEND', 'RESTFLOW_QUEUE']);
    // A password given in RESTFLOW_REDIS_URL is redacted as a stored one is.
    const fromEnv = createServices({ db: createDb(':memory:'), env: { RESTFLOW_REDIS_URL: WITH_PASSWORD } });
    expect(fromEnv.execution.settings().redisUrl).toBe(WITH_PASSWORD);
    const logged = fromEnv.redactor.redact(`connecting to ${WITH_PASSWORD} (password ${PASSWORD})`);
    expect(logged).not.toContain(PASSWORD);
    expect(logged).not.toContain(encodeURIComponent(PASSWORD));
    expect(() => createServices({ db: createDb(':memory:'), env: { RESTFLOW_EXECUTION_BACKEND: 'queue' } })).toThrow(
      /RESTFLOW_REDIS_URL/,
    );
  });
});
