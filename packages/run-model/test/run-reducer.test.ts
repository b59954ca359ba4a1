import { describe, expect, it } from '@jest/globals';
import {
  applyRunEvent,
  emptyRunView,
  isRunFinished,
  isTerminalRunEvent,
  markApproval,
  type RunEventKind,
  type RunStreamEvent,
  type RunView,
  reduceRunEvents,
} from '../src/index.ts';

let seq = 0;
const event = (kind: RunEventKind, at = ++seq): RunStreamEvent => ({
  run_id: 'run-1',
  seq: at,
  session_id: 's-1',
  message_id: 'm-1',
  timestamp: 1_700_000_000_000 + at,
  kind,
});

const fold = (events: RunStreamEvent[], start: RunView = emptyRunView()) => events.reduce(applyRunEvent, start);

describe('run reducer', () => {
  it('appends tokens in order and takes the final text from completed', () => {
    seq = 0;
    const running = fold([
      event({ type: 'started', model: 'claude-sonnet-5-5' }),
      event({ type: 'token', text: 'Hello', token_count: 1 }),
      event({ type: 'token', text: ' world', token_count: 2 }),
    ]);
    expect(running).toMatchObject({
      status: 'running',
      model: 'claude-sonnet-5-5',
      content: 'Hello world',
      tokenCount: 2,
      lastSeq: 3,
    });
    expect(isRunFinished(running)).toBe(false);

    const done = fold(
      [event({ type: 'completed', full_content: 'Hello world!', duration_ms: 1500, total_tokens: 12 })],
      running,
    );
    expect(done).toMatchObject({ status: 'completed', content: 'Hello world!', durationMs: 1500, totalTokens: 12 });
    expect(isRunFinished(done)).toBe(true);
  });

  it('ignores events it has already applied (replay after a reconnect)', () => {
    seq = 0;
    const first = event({ type: 'token', text: 'a', token_count: 1 });
    const second = event({ type: 'token', text: 'b', token_count: 2 });
    expect(fold([first, second, first, second]).content).toBe('ab');
  });

  it('pairs tool call ends with their starts and keeps arguments and results', () => {
    seq = 0;
    const view = fold([
      event({ type: 'token', text: 'Looking', token_count: 1 }),
      event({ type: 'token', text: '.', token_count: 2 }),
      event({ type: 'tool_call_start', tool_id: 't1', tool_name: 'file', arguments: '{"path":"a.txt"}' }),
      event({ type: 'tool_call_start', tool_id: 't2', tool_name: 'bash', arguments: '{"command":"ls"}' }),
      event({ type: 'tool_call_end', tool_id: 't2', result: 'a.txt', success: true }),
      event({ type: 'token', text: 'Found it.', token_count: 3 }),
    ]);
    // Text and tool calls in the order they happened.
    expect(view.parts).toEqual([
      { kind: 'text', text: 'Looking.' },
      { kind: 'tool', toolId: 't1' },
      { kind: 'tool', toolId: 't2' },
      { kind: 'text', text: 'Found it.' },
    ]);
    expect(view.content).toBe('Looking.Found it.');
    expect(view.tools).toEqual([
      { id: 't1', name: 'file', arguments: '{"path":"a.txt"}' },
      { id: 't2', name: 'bash', arguments: '{"command":"ls"}', result: 'a.txt', success: true },
    ]);
  });

  it('tracks approvals from the request to the decision step, and local decisions', () => {
    seq = 0;
    const asked = fold([
      event({ type: 'approval_required', approval: { id: 'ap-1', command: 'rm -rf build' } }),
      event({ type: 'approval_required', approval: { id: 'ap-2', command: 'make install' } }),
      event({ type: 'step', step_type: 'approval', name: 'rm -rf build', status: 'pending' }),
    ]);
    expect(asked.approvals.map((a) => a.state)).toEqual(['pending', 'pending']);
    const decided = fold(
      [event({ type: 'step', step_type: 'approval', name: 'rm -rf build', status: 'failed' })],
      asked,
    );
    expect(decided.approvals[0]).toEqual({ id: 'ap-1', command: 'rm -rf build', state: 'rejected' });
    expect(markApproval(decided, 'ap-2', 'approved').approvals[1]?.state).toBe('approved');
  });

  it('shows the final text of a run whose tokens it never saw', () => {
    seq = 0;
    const view = fold([event({ type: 'completed', full_content: 'All done.', duration_ms: 5, total_tokens: 0 })]);
    expect(view).toMatchObject({ content: 'All done.', parts: [{ kind: 'text', text: 'All done.' }] });
  });

  it('keeps the partial answer of failed and cancelled runs', () => {
    seq = 0;
    const partial = fold([event({ type: 'token', text: 'Half an ans', token_count: 1 })]);
    expect(fold([event({ type: 'cancelled', partial_content: 'Half an ans' })], partial)).toMatchObject({
      status: 'cancelled',
      content: 'Half an ans',
    });
    expect(fold([event({ type: 'failed', error: 'provider said 529' })], partial)).toMatchObject({
      status: 'failed',
      error: 'provider said 529',
      content: 'Half an ans',
    });
  });

  it('collects thinking and usage', () => {
    seq = 0;
    const view = fold([
      event({ type: 'thinking', content: 'Let me ' }),
      event({ type: 'thinking', content: 'think.' }),
      event({ type: 'usage', input_tokens: 10, output_tokens: 5, total_tokens: 15 }),
    ]);
    expect(view).toMatchObject({ thinking: 'Let me think.', totalTokens: 15, lastSeq: 3 });
  });

  it('drops events that arrive late or twice, and applies the ones after them', () => {
    const view = reduceRunEvents([
      event({ type: 'started', model: 'gpt-5.4' }, 1),
      event({ type: 'token', text: 'a', token_count: 1 }, 2),
      event({ type: 'token', text: 'c', token_count: 3 }, 4),
      // seq 3 after seq 4: out of order, never applied (the stream is gap-free, so this is a stale copy).
      event({ type: 'token', text: 'b', token_count: 2 }, 3),
      event({ type: 'token', text: 'c', token_count: 3 }, 4),
      event({ type: 'token', text: 'd', token_count: 4 }, 5),
    ]);
    expect(view).toMatchObject({ content: 'acd', tokenCount: 4, lastSeq: 5 });
  });

  it('a terminal state is final: later events only move the cursor', () => {
    const failed = reduceRunEvents([
      event({ type: 'token', text: 'partial', token_count: 1 }, 1),
      event({ type: 'failed', error: 'interrupted: daemon stopped', partial_content: 'partial' }, 2),
    ]);
    const after = reduceRunEvents(
      [event({ type: 'token', text: ' more', token_count: 2 }, 3), event({ type: 'cancelled' }, 4)],
      failed,
    );
    expect(after).toMatchObject({ status: 'failed', error: 'interrupted: daemon stopped', content: 'partial' });
    expect(after.lastSeq).toBe(4);
    expect(['completed', 'failed', 'cancelled', 'token'].map(isTerminalRunEvent)).toEqual([true, true, true, false]);
  });

  it('a failed tool call keeps its result and success = false; a tool without an end is still running', () => {
    const view = reduceRunEvents([
      event({ type: 'tool_call_start', tool_id: 't1', tool_name: 'bash', arguments: '{}' }, 1),
      event({ type: 'tool_call_end', tool_id: 't1', result: 'exit 2', success: false }, 2),
      event({ type: 'tool_call_start', tool_id: 't2', tool_name: 'file', arguments: '{}' }, 3),
      // An end for a call never started (its start was before the cursor) changes nothing.
      event({ type: 'tool_call_end', tool_id: 't0', result: 'ok', success: true }, 4),
    ]);
    expect(view.tools).toEqual([
      { id: 't1', name: 'bash', arguments: '{}', result: 'exit 2', success: false },
      { id: 't2', name: 'file', arguments: '{}' },
    ]);
    expect(view.status).toBe('waiting');
  });

  it('an approval asked twice (replay overlap) is listed once; a cancelled run with no text stays empty', () => {
    const view = reduceRunEvents([
      event({ type: 'approval_required', approval: { id: 'ap-1', command: 'make' } }, 1),
      event({ type: 'approval_required', approval: { id: 'ap-1', command: 'make' } }, 2),
      event({ type: 'step', step_type: 'approval', name: 'make', status: 'completed' }, 3),
      event({ type: 'cancelled' }, 4),
    ]);
    expect(view.approvals).toEqual([{ id: 'ap-1', command: 'make', state: 'approved' }]);
    expect(view).toMatchObject({ status: 'cancelled', content: '', parts: [] });
  });
});
