// workers.tools.invoke and workers.approvals.* (docs/workers.md#tools-that-need-the-daemon): zod-checked inputs
// (BAD_REQUEST), and a daemon without the queue backend says how to turn it on (PRECONDITION_FAILED). The
// run-scoped refusals (FORBIDDEN, CONFLICT) need a claimed run: apps/daemon/test/workers-tools.e2e.test.ts.
import { describe, expect, it } from '@jest/globals';
import { createTestCaller, errorOf } from '@restflow/testkit';

const ids = { worker_id: 'w-1', run_id: 'r-1' };

describe('workers run-scoped procedures', () => {
  it('refuse bad input with BAD_REQUEST', async () => {
    const { caller } = createTestCaller();
    const longWait = await errorOf(
      caller.workers.tools.invoke({ ...ids, call_id: 'c-1', name: 'memory_search', arguments: '{}', wait_ms: 60_000 }),
    );
    expect(longWait.code).toBe('BAD_REQUEST');
    expect(longWait.message).toMatch(/wait_ms/);
    const noName = await errorOf(caller.workers.tools.invoke({ ...ids, call_id: 'c-1', name: '', arguments: '{}' }));
    expect(noName.code).toBe('BAD_REQUEST');
    const blank = await errorOf(caller.workers.approvals.create({ ...ids, command: '   ' }));
    expect(blank.code).toBe('BAD_REQUEST');
    const extra = await errorOf(
      caller.workers.approvals.wait({ ...ids, approval_id: 'a-1', decision: 'approved' } as never),
    );
    expect(extra.code).toBe('BAD_REQUEST');
  });

  it('under the local backend, say how to turn the queue on', async () => {
    const { caller } = createTestCaller();
    for (const call of [
      caller.workers.tools.invoke({ ...ids, call_id: 'c-1', name: 'memory_search', arguments: '{}' }),
      caller.workers.approvals.create({ ...ids, command: 'make deploy' }),
      caller.workers.approvals.wait({ ...ids, approval_id: 'a-1' }),
    ]) {
      const error = await errorOf(call);
      expect(error.code).toBe('PRECONDITION_FAILED');
      expect(error.message).toMatch(/execution\.backend queue/);
    }
  });
});
