// The fuzzer itself (test/fuzz/procedure-fuzzer.ts): on a router with deliberately broken procedures it must find
// the 500, the dropped connection and the data changed by a rejected call, and report the seed to replay them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AppRouter } from '@restflow/api';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type PipeServer, servePipe } from '@restflow/api/server';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';
import { FuzzFailure, fuzzProcedure, pipeCaller, proceduresOf } from './fuzz/procedure-fuzzer.ts';

const t = initTRPC.create({ transformer: superjson });
const store: string[] = [];
const brokenRouter = t.router({
  sound: t.procedure
    .input(z.strictObject({ name: z.string().max(50), count: z.number().int().min(0).max(10) }))
    .mutation(({ input }) => {
      store.push(input.name);
      return { ok: true };
    }),
  /** A 500 on some inputs: a name containing a character outside ASCII. */
  crashesOnUnicode: t.procedure.input(z.object({ name: z.string() }).passthrough()).query(({ input }) => {
    if (/[^\x20-\x7e]/.test(input.name)) throw new Error('boom: unexpected character');
    return input.name.length;
  }),
  /** Changes data, then refuses the call: the data check must see it. */
  writesThenRefuses: t.procedure.input(z.object({ name: z.string() }).passthrough()).mutation(({ input }) => {
    store.push(input.name);
    if (input.name.length > 3) throw new TRPCError({ code: 'BAD_REQUEST', message: 'too long, but written' });
    return 'ok';
  }),
  /** Drops every connection on a large count, as a crashing transport would. */
  dropsConnection: t.procedure.input(z.object({ count: z.number() }).passthrough()).mutation(({ input }) => {
    if (input.count > 1000) void server.close();
    return input.count;
  }),
});

let dir: string;
let server: PipeServer;
let client: RestflowClient;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-fuzz-self-'));
  server = await servePipe({
    router: brokenRouter as unknown as AppRouter,
    path: path.join(dir, 'p.sock'),
    createContext: () => ({}) as never,
  });
  client = createRestflowClient({ pipePath: server.path });
});

afterAll(async () => {
  client?.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const procedures = proceduresOf(brokenRouter);
const byPath = (p: string) => procedures.find((procedure) => procedure.path === p) as (typeof procedures)[number];
const options = (seed: number) => ({
  procedures,
  call: pipeCaller(client),
  snapshot: () => ({ store: JSON.stringify(store) }),
  seed,
  numRuns: 100,
});

describe('the procedure fuzzer', () => {
  it('enumerates the procedures and their field names from the router', () => {
    expect(procedures.map((p) => [p.path, p.type])).toEqual([
      ['sound', 'mutation'],
      ['crashesOnUnicode', 'query'],
      ['writesThenRefuses', 'mutation'],
      ['dropsConnection', 'mutation'],
    ]);
    expect(byPath('sound').fields).toEqual(['count', 'name']);
  });

  it('passes a sound procedure', async () => {
    expect(await fuzzProcedure(byPath('sound'), options(42))).toBe(100);
  });

  it('catches a procedure that answers 500 on some input, and reports the seed and the input', async () => {
    const failure = await fuzzProcedure(byPath('crashesOnUnicode'), options(1234)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FuzzFailure);
    expect((failure as Error).message).toMatch(/^crashesOnUnicode: INTERNAL_SERVER_ERROR/);
    expect((failure as Error).message).toContain('seed: 1234 (replay: RESTFLOW_FUZZ_SEED=1234');
    expect((failure as Error).message).toMatch(/input: \{.*"name"/);
  });

  it('catches a rejected call that changed the data', async () => {
    const failure = await fuzzProcedure(byPath('writesThenRefuses'), options(99)).catch((e: unknown) => e);
    expect((failure as Error).message).toMatch(/rejected with BAD_REQUEST changed the daemon's data \(store\)/);
  });

  // Last: it closes the server.
  it('catches a dropped connection', async () => {
    const failure = await fuzzProcedure(byPath('dropsConnection'), options(7)).catch((e: unknown) => e);
    expect((failure as Error).message).toMatch(/^dropsConnection: dropped: /);
  });
});
