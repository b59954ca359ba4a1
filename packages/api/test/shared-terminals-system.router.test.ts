import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { TOOL_NAMES } from '@restflow/core';
import { createTestCaller, createTestServices, errorOf } from '@restflow/testkit';

describe('shared router', () => {
  it('sets, gets, lists and deletes entries with the SharedEntry wire shape', async () => {
    const { caller } = createTestCaller();
    const entry = await caller.shared.set({ key: 'notes:a', value: 'x', tags: ['t'], content_type: 'text/plain' });
    expect(entry).toMatchObject({
      key: 'notes:a',
      value: 'x',
      visibility: 'public',
      tags: ['t'],
      content_type: 'text/plain',
    });
    expect(entry).not.toHaveProperty('owner');
    await caller.shared.set({ key: 'notes:b', value: 'y', accessor: 'agent-1', visibility: 'shared' });
    await caller.shared.set({ key: 'other:c', value: 'z' });
    expect((await caller.shared.list({ namespace: 'notes' })).map((e) => e.key)).toEqual(['notes:a', 'notes:b']);
    expect(await caller.shared.keys()).toEqual(['notes:a', 'notes:b', 'other:c']);
    expect((await caller.shared.get({ key: 'notes:b' })).owner).toBe('agent-1');
    expect(await caller.shared.delete({ key: 'notes:a' })).toEqual({ deleted: true, id: 'notes:a' });
    expect((await errorOf(caller.shared.get({ key: 'notes:a' }))).code).toBe('NOT_FOUND');
  });

  it('enforces visibility: private entries are invisible, shared ones read-only to others', async () => {
    const { caller } = createTestCaller();
    await caller.shared.set({ key: 'p:secret', value: '1', visibility: 'private', accessor: 'owner' });
    await caller.shared.set({ key: 'p:shared', value: '2', visibility: 'shared', accessor: 'owner' });
    const hidden = await errorOf(caller.shared.get({ key: 'p:secret', accessor: 'intruder' }));
    expect(hidden.code).toBe('NOT_FOUND');
    expect(hidden.message).toBe('Shared entry p:secret not found');
    expect((await caller.shared.get({ key: 'p:shared', accessor: 'intruder' })).value).toBe('2');
    const write = await errorOf(caller.shared.set({ key: 'p:shared', value: 'hacked', accessor: 'intruder' }));
    expect(write.code).toBe('FORBIDDEN');
    expect(write.message).toMatch(/owned by agent owner; agent intruder may not change it/);
    expect((await errorOf(caller.shared.delete({ key: 'p:shared' }))).code).toBe('FORBIDDEN');
    expect(await caller.shared.keys({ accessor: 'intruder' })).toEqual(['p:shared']);
    expect(await caller.shared.keys({ accessor: 'owner', namespace: 'p' })).toEqual(['p:secret', 'p:shared']);
  });

  it('rejects bad input with BAD_REQUEST naming the field', async () => {
    const { caller } = createTestCaller();
    const key = await errorOf(caller.shared.set({ key: 'no-namespace', value: 'v' }));
    expect(key.code).toBe('BAD_REQUEST');
    expect(key.message).toMatch(/^key: "no-namespace" must have the form namespace:name/);
    const visibility = await errorOf(caller.shared.set({ key: 'a:b', value: 'v', visibility: 'secret' as never }));
    expect(visibility.message).toMatch(/visibility/);
    const value = await errorOf(caller.shared.set({ key: 'a:b' } as never));
    expect(value.message).toMatch(/value/);
    const namespace = await errorOf(caller.shared.list({ namespace: 'a b' }));
    expect(namespace.message).toMatch(/^namespace: /);
    expect((await errorOf(caller.shared.get({ key: 'a:b', accessor: '' }))).message).toMatch(/accessor/);
  });
});

describe('terminals router', () => {
  it('creates, lists, gets, renames, updates and deletes terminal sessions', async () => {
    const { caller } = createTestCaller();
    const first = await caller.terminals.create();
    expect(first).toMatchObject({ name: 'Terminal 1', status: 'running' });
    const second = await caller.terminals.create({ name: 'Build', working_directory: '/src' });
    expect((await caller.terminals.list()).map((t) => t.name)).toEqual(['Terminal 1', 'Build']);
    expect((await caller.terminals.get({ id: second.id })).working_directory).toBe('/src');
    expect((await caller.terminals.update({ id: first.id, name: 'Logs' })).name).toBe('Logs');
    const stopped = await caller.terminals.update({ id: second.id, status: 'stopped', history: 'out' });
    expect(stopped).toMatchObject({ status: 'stopped', history: 'out' });
    expect(typeof stopped.stopped_at).toBe('number');
    expect(await caller.terminals.delete({ id: first.id })).toEqual({ deleted: true, id: first.id });
    const missing = await errorOf(caller.terminals.get({ id: first.id }));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toBe(`Terminal session ${first.id} not found`);
  });

  it('rejects bad input with BAD_REQUEST naming the field', async () => {
    const { caller } = createTestCaller();
    const t = await caller.terminals.create();
    const name = await errorOf(caller.terminals.update({ id: t.id, name: '  ' }));
    expect(name.code).toBe('BAD_REQUEST');
    expect(name.message).toMatch(/name: name must not be empty/);
    expect((await errorOf(caller.terminals.update({ id: t.id, status: 'paused' as never }))).message).toMatch(/status/);
    expect((await errorOf(caller.terminals.create({ colour: 'red' } as never))).code).toBe('BAD_REQUEST');
    expect((await errorOf(caller.terminals.update({ id: 'terminal-x', name: 'y' }))).code).toBe('NOT_FOUND');
  });
});

describe('system info and tools', () => {
  it('reports pid, version, node version, data dir and python readiness', async () => {
    const { caller } = createTestCaller();
    const info = await caller.system.info();
    expect(info).toEqual({
      pid: process.pid,
      version: expect.any(String),
      node_version: process.version,
      data_dir: '/tmp/restflow-test',
      // The test services have an empty environment, so no PATH.
      python_ready: false,
    });
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-py-'));
    try {
      fs.writeFileSync(path.join(bin, 'python3'), '#!/bin/sh\n', { mode: 0o755 });
      const withPython = createTestCaller(createTestServices({ env: { PATH: bin } }));
      expect((await withPython.caller.system.info()).python_ready).toBe(true);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  it('lists the tool catalogue', async () => {
    const { caller } = createTestCaller();
    const tools = await caller.system.tools();
    expect(tools.map((t) => t.name)).toEqual([...TOOL_NAMES]);
    expect(tools.find((t) => t.name === 'bash')?.parameters.required).toEqual(['command']);
  });
});
