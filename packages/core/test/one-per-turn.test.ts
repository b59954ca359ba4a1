import net from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { OnePerTurn } from '../src/events/one-per-turn.ts';

/** One turn of the event loop: an immediate queued now runs after the immediates queued before it. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('OnePerTurn', () => {
  it('runs queued tasks in order, one per turn of the event loop', async () => {
    const turns = new OnePerTurn();
    const ran: string[] = [];
    for (const name of ['a', 'b', 'c']) turns.push(() => ran.push(name));
    expect(ran).toEqual([]);
    expect(turns.pending).toBe(3);
    await nextTurn();
    expect(ran).toEqual(['a']);
    await nextTurn();
    expect(ran).toEqual(['a', 'b']);
    turns.push(() => ran.push('d'));
    await nextTurn();
    await nextTurn();
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
    expect(turns.pending).toBe(0);
  });

  it('reads the sockets between two tasks, so a request that arrives meanwhile does not wait for all of them', async () => {
    const server = net.createServer();
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    try {
      const [peer] = await Promise.all([accepted, new Promise((resolve) => client.once('connect', resolve))]);
      const seen: string[] = [];
      const read = new Promise<void>((resolve) =>
        peer.once('data', () => {
          seen.push('request');
          resolve();
        }),
      );
      const turns = new OnePerTurn();
      client.write('ping');
      for (let i = 0; i < 5; i++) turns.push(() => seen.push(`task ${i}`));
      await read;
      await new Promise<void>((resolve) => turns.push(resolve));
      expect(seen.indexOf('request')).toBeGreaterThan(0);
      expect(seen.indexOf('request')).toBeLessThan(5);
    } finally {
      client.destroy();
      server.close();
    }
  });

  it('keeps a long queue in order while compacting what has run', async () => {
    const turns = new OnePerTurn();
    const ran: number[] = [];
    for (let i = 0; i < 3000; i++) turns.push(() => ran.push(i));
    await new Promise<void>((resolve) => turns.push(resolve));
    expect(ran).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(turns.pending).toBe(0);
  });
});
