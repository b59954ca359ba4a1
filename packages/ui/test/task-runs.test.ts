import { describe, expect, it } from '@jest/globals';
import {
  foldTaskEvent,
  MAX_RUN_OUTPUT,
  runsFromHistory,
  type TaskHistoryEvent,
  type TaskRunRow,
  type TaskStreamEvent,
} from '../src/lib/task-runs.ts';

let nextId = 0;
const event = (run_id: string, kind: TaskStreamEvent['kind'], task_id = 't1'): TaskStreamEvent => {
  nextId += 1;
  return { id: nextId, seq: nextId, task_id, run_id, timestamp: 1000 + nextId, kind };
};
const output = (run: string, text: string) =>
  event(run, { type: 'output', text, is_stderr: false, is_complete: false });
const started = (run: string, task?: string) =>
  event(
    run,
    {
      type: 'started',
      task_name: 'n',
      agent_id: 'a',
      execution_mode: 'api',
      trigger: 'manual',
      scheduled_at: null,
    },
    task,
  );

describe('foldTaskEvent', () => {
  it('coalesces a run’s token chunks into one growing row', () => {
    let rows: TaskRunRow[] = [];
    rows = foldTaskEvent(rows, started('r1'));
    for (const piece of ['Hel', 'lo ', 'world']) rows = foldTaskEvent(rows, output('r1', piece));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ run_id: 'r1', status: 'running', output: 'Hello world', trigger: 'manual' });
    rows = foldTaskEvent(rows, event('r1', { type: 'completed', result: 'Hello world!', duration_ms: 12, stats: {} }));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'completed', output: 'Hello world!', duration_ms: 12 });
  });

  it('puts a new run on top, keeps complete lines apart, and records failures and progress', () => {
    let rows = foldTaskEvent([], started('r1'));
    rows = foldTaskEvent(rows, started('r2', 't2'));
    rows = foldTaskEvent(rows, event('r2', { type: 'output', text: 'line 1', is_stderr: false, is_complete: true }));
    rows = foldTaskEvent(rows, event('r2', { type: 'output', text: 'line 2', is_stderr: false, is_complete: true }));
    rows = foldTaskEvent(rows, event('r2', { type: 'progress', phase: 'retrying' }));
    rows = foldTaskEvent(rows, event('r1', { type: 'failed', error: 'boom', duration_ms: 3, recoverable: false }));
    expect(rows.map((r) => [r.run_id, r.status])).toEqual([
      ['r2', 'running'],
      ['r1', 'failed'],
    ]);
    expect(rows[0]).toMatchObject({ output: 'line 1\nline 2\n', phase: 'retrying' });
    expect(rows[1]?.error).toBe('boom');
  });

  it('ignores an event it has already applied (a replay after a reconnect)', () => {
    const chunk = output('r1', 'x');
    const once = foldTaskEvent(foldTaskEvent([], started('r1')), chunk);
    expect(foldTaskEvent(once, chunk)).toBe(once);
  });

  it('bounds the rows and each row’s text', () => {
    let rows: TaskRunRow[] = [];
    for (let i = 0; i < 5; i++) rows = foldTaskEvent(rows, started(`r${i}`), 3);
    expect(rows.map((r) => r.run_id)).toEqual(['r4', 'r3', 'r2']);
    rows = foldTaskEvent(rows, output('r4', 'a'.repeat(MAX_RUN_OUTPUT)));
    rows = foldTaskEvent(rows, output('r4', 'bc'));
    expect(rows[0]?.output).toHaveLength(MAX_RUN_OUTPUT);
    expect(rows[0]?.output.endsWith('abc')).toBe(true);
  });
});

describe('runsFromHistory', () => {
  it('gives one row per run with its output or error, newest first', () => {
    const history: TaskHistoryEvent[] = [
      { id: 'e5', task_id: 't', event_type: 'failed', timestamp: 50, message: 'Execution error: 503', run_id: 'r2' },
      { id: 'e4', task_id: 't', event_type: 'started', timestamp: 40, message: 'Task started', run_id: 'r2' },
      { id: 'e3', task_id: 't', event_type: 'paused', timestamp: 35, message: 'Task paused' },
      {
        id: 'e2',
        task_id: 't',
        event_type: 'completed',
        timestamp: 30,
        output: 'Digest done.',
        duration_ms: 10,
        run_id: 'r1',
      },
      { id: 'e1', task_id: 't', event_type: 'started', timestamp: 20, message: 'Task started', run_id: 'r1' },
    ];
    expect(runsFromHistory(history)).toEqual([
      expect.objectContaining({ run_id: 'r2', status: 'failed', error: 'Execution error: 503', started_at: 40 }),
      expect.objectContaining({ run_id: 'r1', status: 'completed', output: 'Digest done.', duration_ms: 10 }),
    ]);
  });
});
