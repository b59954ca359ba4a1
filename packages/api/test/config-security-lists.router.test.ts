import { describe, expect, it } from '@jest/globals';
import { createTestCaller, errorOf } from '@restflow/testkit';

describe('config router: keys and strict inputs', () => {
  it('lists the system config keys and refuses unknown top-level fields naming them', async () => {
    const { caller } = createTestCaller();
    expect(await caller.config.keys()).toEqual([
      'worker_count',
      'task_timeout_seconds',
      'stall_timeout_seconds',
      'max_retries',
      'subagent_max_parallel',
      'subagent_timeout_seconds',
      'subagent_max_depth',
      'log_max_file_mb',
      'log_keep_files',
      'log_max_age_days',
      'run_events_keep_days',
    ]);
    const config = { worker_count: 2, task_timeout_seconds: 60, stall_timeout_seconds: 60, max_retries: 2 };
    const extraSet = await errorOf(caller.config.set({ config, colour: 'red' } as never));
    expect(extraSet.code).toBe('BAD_REQUEST');
    expect(extraSet.message).toMatch(/colour/);
    const extraKey = await errorOf(caller.config.update({ key: 'max_retries', value: 2, force: true } as never));
    expect(extraKey.code).toBe('BAD_REQUEST');
    expect(extraKey.message).toMatch(/force/);
    const wrongType = await errorOf(caller.config.update({ key: 'max_retries', value: 'two' } as never));
    expect(wrongType.code).toBe('BAD_REQUEST');
    expect(wrongType.message).toMatch(/value/);
    expect(await caller.config.get()).toEqual({
      worker_count: 4,
      task_timeout_seconds: 300,
      stall_timeout_seconds: 300,
      max_retries: 3,
      subagent_max_parallel: 5,
      subagent_timeout_seconds: 300,
      subagent_max_depth: 3,
      log_max_file_mb: 10,
      log_keep_files: 3,
      log_max_age_days: 14,
      run_events_keep_days: 30,
    });
  });

  it('a whole config written without the sub-agent keys keeps their current values', async () => {
    const { caller } = createTestCaller();
    await caller.config.update({ key: 'subagent_max_depth', value: 2 });
    const written = await caller.config.set({
      config: { worker_count: 2, task_timeout_seconds: 60, stall_timeout_seconds: 60, max_retries: 2 },
    });
    expect(written).toMatchObject({ worker_count: 2, subagent_max_depth: 2, subagent_max_parallel: 5 });
    const zero = await errorOf(caller.config.update({ key: 'subagent_max_parallel', value: 0 }));
    expect(zero.code).toBe('BAD_REQUEST');
    expect(zero.message).toMatch(/subagent_max_parallel: must be at least 1/);
  });
});

describe('security router: every pattern list has get and set', () => {
  it('replaces the blocklist and reads the approval_required list', async () => {
    const { caller } = createTestCaller();
    expect(await caller.security.blocklist.set({ blocklist: [{ pattern: 'rm -rf *', description: 'wipe' }] })).toEqual([
      { pattern: 'rm -rf *', description: 'wipe' },
    ]);
    expect(await caller.security.blocklist.get()).toEqual([{ pattern: 'rm -rf *', description: 'wipe' }]);
    expect((await caller.security.policy.get()).blocklist).toEqual([{ pattern: 'rm -rf *', description: 'wipe' }]);
    await caller.security.approvalRequired.set({ approval_required: [{ pattern: 'git push *' }] });
    expect(await caller.security.approvalRequired.get()).toEqual([{ pattern: 'git push *' }]);
    const wrongList = await errorOf(caller.security.blocklist.set({ allowlist: [] } as never));
    expect(wrongList.code).toBe('BAD_REQUEST');
    const emptyPattern = await errorOf(caller.security.blocklist.set({ blocklist: [{ pattern: ' ' }] }));
    expect(emptyPattern.code).toBe('BAD_REQUEST');
    expect(emptyPattern.message).toMatch(/blocklist\.0\.pattern: pattern must not be empty/);
  });
});
