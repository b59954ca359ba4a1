import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CHANGES_CHANNEL } from '@restflow/core';
import { createTestCaller, createTestServices, fakeDaemonControl, waitForListener, waitUntil } from '@restflow/testkit';
import { appRouter, createCallerFactory } from '../src/index.ts';
import { nextTurn } from '../src/turns.ts';

describe('turns of the event loop for the calls’ work', () => {
  it('gives the waiting calls their turns in the order they asked', async () => {
    const order: string[] = [];
    await Promise.all(['a', 'b', 'c'].map((name) => nextTurn().then(() => order.push(name))));
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('reads the sockets between two turns', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-turns-'));
    const received: string[] = [];
    let accepted = false;
    const server = net.createServer((socket) => {
      accepted = true;
      socket.on('data', (chunk) => received.push(chunk.toString()));
    });
    await new Promise<void>((resolve) => server.listen(path.join(dir, 'turns.sock'), resolve));
    const client = net.connect(path.join(dir, 'turns.sock'));
    await new Promise<void>((resolve) => client.once('connect', resolve));
    await waitUntil(() => accepted);
    try {
      const seenAtTurn: number[] = [];
      const first = nextTurn().then(() => {
        client.write('frame');
        seenAtTurn.push(received.length);
      });
      // Asked before the frame was written: it still gets its turn only after the frame was read.
      const second = nextTurn().then(() => seenAtTurn.push(received.length));
      await Promise.all([first, second]);
      expect(seenAtTurn).toEqual([0, 1]);
      expect(received).toEqual(['frame']);
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers a ping at once while other calls wait for their turns, and then answers those in order', async () => {
    const { caller } = createTestCaller();
    const answered: string[] = [];
    const lists = Array.from({ length: 5 }, (_, i) => caller.agents.list().then(() => answered.push(`list ${i}`)));
    await caller.system.ping();
    answered.push('ping');
    await Promise.all(lists);
    expect(answered).toEqual(['ping', 'list 0', 'list 1', 'list 2', 'list 3', 'list 4']);
  });

  it('answers a write ahead of the change it announces', async () => {
    const services = createTestServices();
    const controller = new AbortController();
    // The caller-level signal is what tRPC hands to procedures (a transport aborts it on unsubscribe).
    const caller = createCallerFactory(appRouter)(
      { services, daemon: fakeDaemonControl(), transport: 'local' },
      { signal: controller.signal },
    );
    const seen: string[] = [];
    const stream = await caller.system.onChanges();
    const consumer = (async () => {
      for await (const change of stream) {
        seen.push(`change ${change.entity} ${change.action}`);
        controller.abort();
      }
    })();
    await waitForListener(services.bus, CHANGES_CHANNEL);
    await caller.agents.create({ name: 'ordered', agent: {} }).then(() => seen.push('answer'));
    await consumer;
    expect(seen).toEqual(['answer', 'change agents created']);
  });

  it('still maps a service error to its typed tRPC error after the turn', async () => {
    const { caller } = createTestCaller();
    await expect(caller.agents.get({ id: 'no-such-agent' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
