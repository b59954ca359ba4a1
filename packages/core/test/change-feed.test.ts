import { describe, expect, it } from '@jest/globals';
import { createTestServices } from '@restflow/testkit';
import { CHANGES_CHANNEL, type Change, NotFoundError } from '../src/index.ts';

function recording() {
  const s = createTestServices();
  const changes: Change[] = [];
  s.bus.subscribe(CHANGES_CHANNEL, (change) => changes.push(change as Change));
  /** The changes since the last call, as `entity action id` lines. */
  const take = () => changes.splice(0).map((c) => `${c.entity} ${c.action} ${c.id}`);
  return { s, changes, take };
}

describe('ChangeFeed: services publish what they changed', () => {
  it('agents, config and skills', () => {
    const { s, take } = recording();
    const agent = s.agents.create('writer');
    s.agents.update(agent.id, { name: 'editor' });
    s.agents.delete(agent.id);
    expect(take()).toEqual([`agents created ${agent.id}`, `agents updated ${agent.id}`, `agents deleted ${agent.id}`]);

    s.config.setKey('worker_count', 2);
    s.config.reset();
    expect(take()).toEqual(['config updated system', 'config updated system']);

    s.skills.create({ id: 'review', name: 'Review', content: '# Review' });
    s.skills.update('review', { content: '# Review v2' });
    s.skills.delete('review');
    expect(take()).toEqual(['skills created review', 'skills updated review', 'skills deleted review']);
  });

  it('sessions and their messages', () => {
    const { s, take } = recording();
    const agent = s.agents.create('writer');
    take();
    const session = s.sessions.create({ agent_id: agent.id });
    s.sessions.update(session.id, { name: 'Plans' });
    s.sessions.addMessage(session.id, { role: 'user', content: 'hi' });
    const reply = s.sessions.appendMessage(session.id, { role: 'assistant', content: '' });
    s.sessions.updateMessage(reply.id, { content: 'hello' });
    s.sessions.delete(session.id);
    const id = session.id;
    expect(take()).toEqual([
      `sessions created ${id}`,
      `sessions updated ${id}`,
      `sessions updated ${id}`,
      `sessions updated ${id}`,
      `sessions updated ${id}`,
      `sessions deleted ${id}`,
    ]);
  });

  it('tasks, through their whole lifecycle', () => {
    const { s, take } = recording();
    const agent = s.agents.create('writer');
    take();
    const task = s.tasks.create({ name: 'Digest', agent_id: agent.id });
    const { id } = task;
    s.tasks.update(id, { name: 'Daily digest' });
    s.tasks.pause(id);
    s.tasks.resume(id);
    s.tasks.setRunning(id, 'run-1');
    s.tasks.completeExecution(id, { durationMs: 5, runId: 'run-1' });
    s.tasks.recordNotification(id, 'sent', 'delivered');
    s.tasks.delete(id);
    expect(take()).toEqual([
      `tasks created ${id}`,
      ...Array.from({ length: 6 }, () => `tasks updated ${id}`),
      `tasks deleted ${id}`,
    ]);
  });

  it('secrets name only their key, never the value', () => {
    const { s, changes, take } = recording();
    s.secrets.set('API_TOKEN', 'hunter2-first');
    s.secrets.update('API_TOKEN', 'hunter2-second');
    expect(JSON.stringify(changes)).not.toContain('hunter2');
    s.secrets.delete('API_TOKEN');
    expect(changes.every((c) => Object.keys(c).sort().join() === 'action,entity,id')).toBe(true);
    expect(take()).toEqual(['secrets created API_TOKEN', 'secrets updated API_TOKEN', 'secrets deleted API_TOKEN']);
  });

  it('memory chunks: add, delete, clear (a duplicate adds nothing)', () => {
    const { s, take } = recording();
    const agent = s.agents.create('writer');
    take();
    const chunk = s.memory.storeChunk({ agent_id: agent.id, content: 'The train leaves at ten.' });
    s.memory.storeChunk({ agent_id: agent.id, content: 'The train leaves at ten.' });
    expect(s.memory.delete(chunk.id)).toEqual({ deleted: true, id: chunk.id });
    expect(() => s.memory.delete(chunk.id)).toThrow(NotFoundError);
    s.memory.storeChunk({ agent_id: agent.id, content: 'Another note.' });
    take();
    s.memory.deleteForAgent(agent.id);
    expect(take()).toEqual([`memory deleted ${agent.id}`]);
  });

  it('publishes nothing when the write fails', () => {
    const { s, take } = recording();
    expect(() => s.agents.delete('missing')).toThrow();
    expect(() => s.secrets.create('API_TOKEN', '')).toThrow();
    expect(take()).toEqual([]);
  });

  it('listen() yields changes until aborted', async () => {
    const s = createTestServices();
    const controller = new AbortController();
    const stream = s.changes.listen(controller.signal);
    const first = stream.next();
    s.changes.publish({ entity: 'auth', id: 'p1', action: 'created' });
    expect((await first).value).toEqual({ entity: 'auth', id: 'p1', action: 'created' });
    controller.abort();
    expect((await stream.next()).done).toBe(true);
    expect(s.bus.listenerCount(CHANGES_CHANNEL)).toBe(0);
  });

  it('hands every listener every change in order, one listener per turn of the event loop', async () => {
    const s = createTestServices();
    const controller = new AbortController();
    const streams = [0, 1, 2].map(() => s.changes.listen(controller.signal));
    const received: string[][] = streams.map(() => []);
    const readers = streams.map(async (stream, n) => {
      for await (const change of stream) received[n]?.push(change.id);
    });
    // Each generator subscribes when it first runs.
    await new Promise<void>((resolve) => setImmediate(resolve));
    s.changes.publish({ entity: 'memory', id: 'm1', action: 'created' });
    s.changes.publish({ entity: 'memory', id: 'm2', action: 'deleted' });
    const delivered = () => received.reduce((sum, ids) => sum + ids.length, 0);
    expect(delivered()).toBe(0);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(delivered()).toBe(1);
    while (delivered() < 6) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(received).toEqual([
      ['m1', 'm2'],
      ['m1', 'm2'],
      ['m1', 'm2'],
    ]);
    controller.abort();
    await Promise.all(readers);
    expect(s.bus.listenerCount(CHANGES_CHANNEL)).toBe(0);
  });
});
