// The background task runner end to end: real `restflow` CLI processes, a real daemon on a temp data dir, CLI-mode
// tasks running small node scripts (provider-independent), the webhook over the daemon's HTTP listener.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient } from '@restflow/api/client';
import {
  cliBin,
  removeDataDir,
  runCli,
  runCliJson,
  startTestDaemon,
  stopDaemonFor,
  tempDataDir,
} from '@restflow/testkit';

interface Task {
  id: string;
  name: string;
  status: string;
  failure_count: number;
  success_count: number;
  next_run_at: number | null;
}

interface TaskEvent {
  event_type: string;
  timestamp: number;
  run_id?: string;
  message?: string;
}

const node = process.execPath;
const dataDir = tempDataDir('rftr');
const opts = { dataDir };
const scripts = fs.mkdtempSync(path.join(dataDir, 'scripts-'));

afterAll(async () => {
  await stopDaemonFor(dataDir);
  removeDataDir(dataDir);
});

function writeScript(name: string, code: string): string {
  const file = path.join(scripts, name);
  fs.writeFileSync(file, code);
  return file;
}

/** A long-lived CLI process (watch, run) whose output the test reads while it runs. */
function spawnCli(args: string[], dir = dataDir) {
  const child: ChildProcess = spawn(process.execPath, [cliBin, ...args], {
    env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_HTTP_PORT: '0', RESTFLOW_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const history = (id: string, dir = dataDir) =>
  runCliJson<TaskEvent[]>(['task', 'history', id, '--limit', '200'], { dataDir: dir });
const count = (events: TaskEvent[], type: string) => events.filter((e) => e.event_type === type).length;

describe('restflow task: the background runner', () => {
  let agentId = '';

  it('an interval task of 2 s runs again and again, each run live in `task watch` and in `task history`', async () => {
    agentId = (await runCliJson<{ id: string }>(['agent', 'create', '-n', 'runner'], opts)).id;
    const watch = spawnCli(['task', 'watch']);
    await waitFor(() => watch.stderr().includes('Watching all tasks'), 'task watch to start');
    const ticker = await runCliJson<Task>(
      [
        'task',
        'create',
        '-a',
        agentId,
        '-n',
        'Ticker',
        '--every',
        '2s',
        '--mode',
        'cli',
        '--binary',
        node,
        '--args=-e "console.log(\'tick\')"',
      ],
      opts,
    );
    await waitFor(
      () => (watch.stdout().match(/Ticker ✓ completed/g) ?? []).length >= 2,
      'two runs in task watch',
      30_000,
    );
    const lines = watch.stdout();
    expect(lines).toMatch(/\d\d:\d\d:\d\d Ticker ▶ started \(cli:.*, schedule\)/);
    expect(lines).toMatch(/Ticker │ tick/);
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);

    await runCli(['task', 'pause', ticker.id], opts);
    const events = await history(ticker.id);
    expect(count(events, 'completed')).toBeGreaterThanOrEqual(2);
    expect(count(events, 'started')).toBe(count(events, 'completed'));
    const text = await runCli(['task', 'history', ticker.id], opts);
    expect(text.stdout).toContain('Task completed: tick');
  });

  it('task run streams the run and exits 0 / 1 by outcome; --format json prints the final event', async () => {
    const ok = await runCliJson<Task>(
      [
        'task',
        'create',
        '-a',
        agentId,
        '-n',
        'Once ok',
        '--mode',
        'cli',
        '--binary',
        node,
        '--args=-e "console.log(\'hello\', process.argv.at(-1))"',
        '-i',
        'input text',
      ],
      opts,
    );
    const run = await runCli(['task', 'run', ok.id.slice(0, 8)], opts);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('hello input text\n');
    expect(run.stderr).toMatch(/Running Once ok \(run [0-9a-f]{8}\)/);
    expect(run.stderr).toMatch(/✓ completed in/);

    const bad = await runCliJson<Task>(
      [
        'task',
        'create',
        '-a',
        agentId,
        '-n',
        'Once bad',
        '--mode',
        'cli',
        '--binary',
        node,
        '--args=-e "console.error(\'nope\'); process.exit(4)"',
      ],
      opts,
    );
    const failed = await runCli(['task', 'run', bad.id, '--format', 'json'], opts);
    expect(failed.code).toBe(1);
    const final = JSON.parse(failed.stdout) as { task_id: string; kind: { type: string; error: string } };
    expect(final).toMatchObject({
      task_id: bad.id,
      kind: { type: 'failed', error: expect.stringContaining('exited with code 4: nope') },
    });
  });

  it('worker_count=2 with 5 due tasks: the persisted log never shows more than 2 running at once', async () => {
    expect((await runCli(['config', 'set', 'worker_count', '2'], opts)).code).toBe(0);
    const at = new Date(Date.now() + 8000).toISOString();
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const task = await runCliJson<Task>(
        [
          'task',
          'create',
          '-a',
          agentId,
          '-n',
          `Wave ${i}`,
          '--at',
          at,
          '--mode',
          'cli',
          '--binary',
          node,
          '--args=-e "setTimeout(() => {}, 700)"',
        ],
        opts,
      );
      ids.push(task.id);
    }
    await waitFor(
      async () =>
        (await runCliJson<Task[]>(['task', 'list', '--status', 'completed'], opts)).filter((t) => ids.includes(t.id))
          .length === 5,
      'the five tasks to complete',
      40_000,
    );
    const boundaries: [number, number][] = [];
    for (const id of ids) {
      const events = await history(id);
      const started = events.find((e) => e.event_type === 'started') as TaskEvent;
      const completed = events.find((e) => e.event_type === 'completed') as TaskEvent;
      boundaries.push([started.timestamp, +1], [completed.timestamp, -1]);
    }
    // An end and a start at the same millisecond: the slot was freed first.
    boundaries.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let running = 0;
    let most = 0;
    for (const [, delta] of boundaries) {
      running += delta;
      most = Math.max(most, running);
    }
    expect(most).toBe(2);
    await runCli(['config', 'set', 'worker_count', '4'], opts);
  });

  it('webhook: a good token runs the task, a bad one gets 401 and runs nothing, a burst gets 429', async () => {
    const task = await runCliJson<Task>(
      [
        'task',
        'create',
        '-a',
        agentId,
        '-n',
        'Hooked',
        '--mode',
        'cli',
        '--binary',
        node,
        '--args=-e "console.log(process.argv.at(-1))"',
      ],
      opts,
    );
    const hook = await runCliJson<{ url: string; token: string; enabled: boolean }>(
      ['task', 'webhook', task.id, '--enable', '--rate-limit', '2'],
      opts,
    );
    expect(hook.enabled).toBe(true);
    expect(hook.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/hooks/trigger/${task.id}$`));
    const post = (token: string, body: unknown = {}) =>
      fetch(hook.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const denied = await post('not-the-token');
    expect(denied.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(count(await history(task.id), 'started')).toBe(0);

    const accepted = await post(hook.token, { input: 'via webhook', source: 'e2e' });
    expect(accepted.status).toBe(202);
    const body = (await accepted.json()) as { accepted: boolean; run_id: string };
    expect(body.accepted).toBe(true);
    await waitFor(async () => count(await history(task.id), 'completed') === 1, 'the webhook run');
    const completed = (await history(task.id)).find((e) => e.event_type === 'completed');
    expect(completed).toMatchObject({ run_id: body.run_id, output: 'via webhook' });

    const burst = [await post(hook.token), await post(hook.token)];
    expect(burst[0]?.status === 202 || burst[0]?.status === 409).toBe(true);
    expect(burst[1]?.status).toBe(429);
    expect(Number(burst[1]?.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('cancel of a running CLI-mode task kills its whole process tree', async () => {
    const pidFile = path.join(scripts, 'tree-pids.json');
    const tree = writeScript(
      'tree.mjs',
      `import { spawn } from 'node:child_process';
import fs from 'node:fs';
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
fs.writeFileSync(${JSON.stringify(pidFile)}, JSON.stringify({ parent: process.pid, child: child.pid }));
console.log('tree up');
setInterval(() => {}, 1000);
`,
    );
    const task = await runCliJson<Task>(
      ['task', 'create', '-a', agentId, '-n', 'Tree', '--mode', 'cli', '--binary', node, '--args', tree],
      opts,
    );
    const running = spawnCli(['task', 'run', task.id]);
    await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').length > 0, 'the process tree');
    const pids = JSON.parse(fs.readFileSync(pidFile, 'utf8')) as { parent: number; child: number };
    expect(alive(pids.parent) && alive(pids.child)).toBe(true);
    await waitFor(() => running.stdout().includes('tree up'), 'task run to stream the output');

    const cancel = await runCli(['task', 'cancel', task.id], opts);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(/^Run [0-9a-f]{8} of task .* cancelled; the task is paused/);
    await waitFor(() => !alive(pids.parent) && !alive(pids.child), 'the tree to die', 5000);
    expect(await running.exited).toBe(1);
    expect(running.stderr()).toContain('■ cancelled: Cancelled by user');
    expect((await runCliJson<Task>(['task', 'show', task.id], opts)).status).toBe('paused');
  });
});

describe('restflow task: crash recovery', () => {
  const crashDir = tempDataDir('rftk');
  afterAll(async () => {
    await stopDaemonFor(crashDir);
    removeDataDir(crashDir);
  });

  it('kill -9 during a run: after restart the task is not stuck running and its slot does not run twice', async () => {
    const pidFile = path.join(crashDir, 'run-pid');
    const slow = path.join(crashDir, 'slow.mjs');
    fs.writeFileSync(
      slow,
      `import fs from 'node:fs';\nfs.writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nconsole.log('working');\nsetTimeout(() => {}, 8000);\n`,
    );
    let daemon = await startTestDaemon(crashDir);
    const o = { dataDir: crashDir };
    const agent = await runCliJson<{ id: string }>(['agent', 'create', '-n', 'crashy'], o);
    const task = await runCliJson<Task>(
      [
        'task',
        'create',
        '-a',
        agent.id,
        '-n',
        'Slow',
        '--every',
        '3s',
        '--mode',
        'cli',
        '--binary',
        node,
        '--args',
        slow,
      ],
      o,
    );
    await waitFor(() => fs.existsSync(pidFile), 'the first run to start', 15_000);
    const runPid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect((await runCliJson<Task>(['task', 'show', task.id], o)).status).toBe('running');

    await daemon.kill();
    fs.rmSync(pidFile);
    daemon = await startTestDaemon(crashDir);
    try {
      const recovered = await runCliJson<Task>(['task', 'show', task.id], o);
      const events = await history(task.id, crashDir);
      expect(count(events, 'interrupted')).toBe(1);
      expect(recovered.failure_count).toBe(1);
      if (recovered.status === 'running') {
        // On a slow machine the next 3 s slot may already be running: then it must be a new run, started after
        // the recovery — never the crashed run still marked as running.
        const interrupted = events.find((e) => e.event_type === 'interrupted') as TaskEvent;
        const latestStart = events.find((e) => e.event_type === 'started') as TaskEvent;
        expect(latestStart.timestamp).toBeGreaterThanOrEqual(interrupted.timestamp);
        expect(latestStart.run_id).not.toBe(interrupted.run_id);
      }
      // The orphaned script of the killed daemon was reaped, not left running next to the next run.
      await waitFor(() => !alive(runPid), 'the orphaned run to be killed', 5000);

      await waitFor(() => fs.existsSync(pidFile), 'the next slot to run', 15_000);
      const client = createRestflowClient({ dataDir: crashDir });
      const started: number[] = [];
      let terminals = 0;
      await new Promise<void>((resolve, reject) => {
        const sub = client.tasks.onEvents.subscribe(
          { task_id: task.id, lastEventId: '0' },
          {
            onData: ({ data }) => {
              if (data.kind.type === 'started') started.push(data.kind.scheduled_at as number);
              if (data.kind.type === 'failed' || data.kind.type === 'completed') terminals += 1;
              if (started.length === 2 && terminals >= 1) {
                sub.unsubscribe();
                resolve();
              }
            },
            onError: reject,
          },
        );
      });
      client.close();
      expect(new Set(started).size).toBe(2);
      expect(started[1]).toBeGreaterThan(started[0] as number);
    } finally {
      await runCli(['task', 'pause', task.id], o);
      await daemon.stop();
    }
  });
});
