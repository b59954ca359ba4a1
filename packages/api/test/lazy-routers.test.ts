// Sub-routers load on their first call (src/root.ts): the first call into one runs it (and a failing first call
// fails with the router's typed error), and loadAllRouters / loadRouterOf fill in what `_def.procedures` lists.
// This file's module registry is its own, so the router starts with nothing loaded.
import { describe, expect, it } from '@jest/globals';
import { createTestCaller, errorOf } from '@restflow/testkit';
import { loadAllRouters, loadRouterOf } from '../src/lazy-routers.ts';
import { appRouter } from '../src/root.ts';

const loaded = () => Object.keys(appRouter._def.procedures);
const pending = () => Object.keys(appRouter._def.lazy).sort();

describe('sub-routers loaded on first call', () => {
  it('starts with every sub-router pending and no procedure listed', () => {
    expect(loaded()).toEqual([]);
    expect(pending()).toEqual(
      [
        'agents',
        'auth',
        'chat',
        'config',
        'logs',
        'mcp',
        'memory',
        'models',
        'runs',
        'secrets',
        'security',
        'sessions',
        'shared',
        'skills',
        'system',
        'tasks',
        'terminals',
        'tokens',
        'usage',
        'workers',
      ].sort(),
    );
  });

  it('a first call loads its sub-router only; a failing first call is the router’s typed error', async () => {
    const { caller } = createTestCaller();
    expect(await caller.agents.list()).toEqual([]);
    expect(pending()).not.toContain('agents');
    expect(pending()).toContain('skills');
    expect(loaded()).toContain('agents.create');

    const error = await errorOf(caller.skills.get({ id: 'no-such-skill' }));
    expect(error.code).toBe('NOT_FOUND');
    const invalid = await errorOf(caller.memory.sessions.get({ id: '' }));
    expect(invalid.code).toBe('BAD_REQUEST');
    expect(loaded()).toContain('memory.sessions.list');
  });

  it('concurrent first calls into several sub-routers each get their answer', async () => {
    const { caller } = createTestCaller();
    const [sessions, terminals, shared, missing] = await Promise.all([
      caller.sessions.count(),
      caller.terminals.list(),
      caller.shared.list(),
      errorOf(caller.tokens.delete({ id: 'no-such-token' })),
    ]);
    expect([sessions, terminals, shared]).toEqual([0, [], []]);
    expect(missing.code).toBe('NOT_FOUND');
    expect(pending()).not.toEqual(expect.arrayContaining(['sessions', 'terminals', 'shared', 'tokens']));
  });

  it('loadRouterOf loads the sub-router a path goes through; loadAllRouters leaves none pending', async () => {
    await loadRouterOf(appRouter, 'usage.report');
    expect(loaded()).toContain('usage.report');
    expect(pending()).not.toContain('usage');
    await loadRouterOf(appRouter, 'nothing.here');
    await loadAllRouters(appRouter);
    expect(pending()).toEqual([]);
    expect(loaded().length).toBeGreaterThan(100);
  });
});
