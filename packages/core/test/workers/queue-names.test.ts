// A scheduled attempt's job key is built once and read back when a restarted daemon carries on with the attempt
// (docs/workers.md): the slot, the retry number and the model must come back as they went in.
import { describe, expect, it } from '@jest/globals';
import { parseTaskJobKey, taskJobKey } from '../../src/workers/queue-names.ts';

describe('task job keys', () => {
  it('round-trips the slot, the attempt and the model (a model id may hold dashes and colons)', () => {
    const taskId = '6d9e607b-b728-4e1f-93d2-1128204581e1';
    for (const model of [undefined, 'claude-sonnet-4-5', 'ollama:llama3.1-8b']) {
      const key = { taskId, slot: 1796471627866, retry: 2, ...(model ? { model } : {}) };
      expect(parseTaskJobKey(taskJobKey(key))).toEqual(key);
    }
    expect(taskJobKey({ taskId: 't1', slot: 5, retry: 0 })).toBe('task-t1-slot-5-try-0-agent');
  });

  it('reads nothing from a run job key', () => {
    expect(parseTaskJobKey('run-6d9e607b-b728-4e1f-93d2-1128204581e1')).toBeUndefined();
  });
});
