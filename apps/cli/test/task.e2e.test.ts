// `restflow task …` end to end: real CLI processes against one auto-started daemon on a temp data dir.
import { afterAll, describe, expect, it } from '@jest/globals';
import { removeDataDir, runCli, runCliJson, stopDaemonFor, tempDataDir } from '@restflow/testkit';

interface Task {
  id: string;
  name: string;
  agent_id: string;
  description: string | null;
  input: string | null;
  schedule: Record<string, unknown>;
  execution_mode: Record<string, unknown>;
  status: string;
  created_at: number;
  next_run_at: number | null;
}

interface TaskEvent {
  event_type: string;
  message?: string;
  task_id: string;
}

const dataDir = tempDataDir('rft');
const opts = { dataDir };
afterAll(async () => {
  await stopDaemonFor(dataDir);
  removeDataDir(dataDir);
});

/** 01:00 UTC (09:00 in Asia/Shanghai) strictly after `ms`. */
function nextOneAmUtc(ms: number): number {
  const d = new Date(ms);
  const candidate = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 1);
  return candidate > ms ? candidate : candidate + 86_400_000;
}

describe('restflow task', () => {
  let agentId = '';
  let digest: Task;
  let once: Task;
  const at = new Date(Date.now() + 86_400_000).toISOString();

  it('creates tasks with every schedule flag, the agent given by id prefix', async () => {
    const agent = await runCliJson<{ id: string }>(['agent', 'create', '-n', 'worker'], opts);
    agentId = agent.id;
    const prefix = agentId.slice(0, 8);

    const created = await runCli(
      [
        'task',
        'create',
        '--agent',
        prefix,
        '--name',
        'Digest',
        '--input',
        'summarise',
        '--cron',
        '0 0 9 * * *',
        '--tz',
        'Asia/Shanghai',
      ],
      opts,
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Task created: Digest \([0-9a-f-]{36}\), next run \d{4}-\d\d-\d\d \d\d:\d\d/);

    const hourly = await runCliJson<Task>(['task', 'create', '--agent', prefix, '--name', 'Hourly'], opts);
    expect(hourly.schedule).toEqual({ type: 'interval', interval_ms: 3_600_000, start_at: null });
    expect(hourly.next_run_at).toBe(hourly.created_at + 3_600_000);
    expect(hourly.agent_id).toBe(agentId);

    const every = await runCliJson<Task>(['task', 'create', '-a', prefix, '-n', 'Every', '--every', '30s'], opts);
    expect(every.schedule).toMatchObject({ type: 'interval', interval_ms: 30_000 });
    expect(every.next_run_at).toBe(every.created_at + 30_000);

    once = await runCliJson<Task>(
      [
        'task',
        'create',
        '-a',
        prefix,
        '-n',
        'Once',
        '--at',
        at,
        '--mode',
        'cli',
        '--args=-p --model "x y"',
        '--timeout',
        '60',
      ],
      opts,
    );
    expect(once.schedule).toEqual({ type: 'once', run_at: Date.parse(at) });
    expect(once.next_run_at).toBe(Date.parse(at));
    expect(once.execution_mode).toEqual({
      type: 'cli',
      binary: 'claude',
      args: ['-p', '--model', 'x y'],
      working_dir: null,
      timeout_secs: 60,
      use_pty: false,
    });
  });

  it('lists (json and table), shows and updates tasks', async () => {
    const all = await runCliJson<Task[]>(['task', 'list'], opts);
    expect(all.map((t) => t.name).sort()).toEqual(['Digest', 'Every', 'Hourly', 'Once']);
    digest = all.find((t) => t.name === 'Digest') as Task;
    expect(digest.schedule).toEqual({ type: 'cron', expression: '0 0 9 * * *', timezone: 'Asia/Shanghai' });
    expect(digest.next_run_at).toBe(nextOneAmUtc(digest.created_at));
    expect(digest.input).toBe('summarise');

    const table = await runCli(['task', 'list'], opts);
    expect(table.code).toBe(0);
    for (const header of ['ID', 'Name', 'Agent', 'Status', 'Last Run', 'Next Run'])
      expect(table.stdout).toContain(header);
    expect(table.stdout).toContain(digest.id.slice(0, 8));
    expect(table.stdout).toContain('worker');

    const shown = await runCli(['task', 'show', digest.id.slice(0, 8)], opts);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/Schedule:\s+cron "0 0 9 \* \* \*" \(Asia\/Shanghai\)/);
    expect(shown.stdout).toMatch(/Agent:\s+worker/);
    expect(shown.stdout).toMatch(/Status:\s+active/);

    const updated = await runCliJson<Task>(
      ['task', 'update', digest.id.slice(0, 8), '--every', '5m', '--description', 'five-minutely', '--name', 'Digest2'],
      opts,
    );
    expect(updated).toMatchObject({ name: 'Digest2', description: 'five-minutely', input: 'summarise' });
    expect(updated.schedule).toEqual({ type: 'interval', interval_ms: 300_000, start_at: null });
    const cleared = await runCliJson<Task>(['task', 'update', once.id, '--at', at, '--input', ''], opts);
    expect(cleared.input).toBeNull();
    expect(cleared.next_run_at).toBe(Date.parse(at));
  });

  it('pauses, resumes, filters by status, shows history, deletes', async () => {
    const paused = await runCli(['task', 'pause', digest.id.slice(0, 8)], opts);
    expect(paused.stdout).toMatch(/^Task paused: Digest2/);
    const onlyPaused = await runCliJson<Task[]>(['task', 'list', '-s', 'paused'], opts);
    expect(onlyPaused.map((t) => t.id)).toEqual([digest.id]);
    const resumed = await runCliJson<Task>(['task', 'resume', digest.id], opts);
    expect(resumed.status).toBe('active');
    expect(await runCliJson<Task[]>(['task', 'list', '--status', 'paused'], opts)).toEqual([]);

    const events = await runCliJson<TaskEvent[]>(['task', 'history', digest.id.slice(0, 8)], opts);
    expect(events.map((e) => e.event_type)).toEqual(['resumed', 'paused', 'created']);
    expect(await runCliJson<TaskEvent[]>(['task', 'history', digest.id, '--limit', '1'], opts)).toHaveLength(1);
    const historyTable = await runCli(['task', 'history', digest.id], opts);
    for (const header of ['Time', 'Type', 'Message', 'Duration']) expect(historyTable.stdout).toContain(header);
    expect(historyTable.stdout).toContain('Task created');

    const deleted = await runCli(['task', 'delete', digest.id.slice(0, 8)], opts);
    expect(deleted.stdout).toBe(`Task deleted: ${digest.id}\n`);
    const gone = await runCli(['task', 'show', digest.id], opts);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`Task ${digest.id} not found`);
  });

  it('reports bad input: invalid cron names the field (exit 1), usage errors exit 2', async () => {
    const badCron = await runCli(['task', 'create', '-a', agentId, '-n', 'x', '--cron', '0 9 * * *'], opts);
    expect(badCron.code).toBe(1);
    expect(badCron.stderr).toMatch(/schedule\.expression: invalid cron expression "0 9 \* \* \*"/);
    const badZone = await runCli(
      ['task', 'create', '-a', agentId, '-n', 'x', '--cron', '0 0 9 * * *', '--tz', 'Mars/Base'],
      opts,
    );
    expect(badZone.stderr).toMatch(/schedule\.timezone/);
    const noAgent = await runCli(['task', 'create', '-a', 'ffffffff', '-n', 'x'], opts);
    expect(noAgent.code).toBe(1);
    expect(noAgent.stderr).toMatch(/Agent ffffffff not found/);
    const badEvery = await runCli(['task', 'create', '-a', agentId, '-n', 'x', '--every', '5'], opts);
    expect(badEvery.code).toBe(2);
    expect(badEvery.stderr).toMatch(/invalid duration "5"/);
    const tooShort = await runCli(['task', 'create', '-a', agentId, '-n', 'x', '--every', '500ms'], opts);
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toMatch(/schedule\.interval_ms/);
    const both = await runCli(
      ['task', 'create', '-a', agentId, '-n', 'x', '--every', '5m', '--cron', '0 0 9 * * *'],
      opts,
    );
    expect(both.code).toBe(2);
    const badStatus = await runCli(['task', 'list', '-s', 'sleeping'], opts);
    expect(badStatus.code).toBe(2);
    // nothing was created by the failed attempts
    const names = (await runCliJson<Task[]>(['task', 'list'], opts)).map((t) => t.name).sort();
    expect(names).toEqual(['Every', 'Hourly', 'Once']);
  });
});
