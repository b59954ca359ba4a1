// The public API's conventions as tests: one wire style (snake_case fields, tRPC's own `lastEventId` aside) in
// every input and output, and one verb set (src/schemas/verbs.ts) with one delete result shape.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { loadAllRouters } from '../src/lazy-routers.ts';
import { appRouter } from '../src/root.ts';
import { deleteResultSchema } from '../src/schemas/index.ts';
import { publicProcedure, router } from '../src/trpc.ts';
import { verbProblems } from './verb-check.ts';
import { camelOutputTypeFields, camelSchemaFields, proceduresOf, schemaFields } from './wire-walk.ts';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/router-outputs.ts');
await loadAllRouters(appRouter);
const procedures = proceduresOf(appRouter);

describe('one wire style: snake_case fields', () => {
  it('walks every procedure (inputs and declared outputs as JSON Schema)', () => {
    expect(procedures.length).toBeGreaterThan(100);
    // The walk sees nested fields, not just top-level ones.
    const send = procedures.find((p) => p.path === 'chat.send');
    expect(send?.inputs.flatMap((input) => schemaFields(input, 'input'))).toEqual(
      expect.arrayContaining(['session_id', 'agent_id', 'content']),
    );
    const taskCreate = procedures.find((p) => p.path === 'tasks.create');
    expect(taskCreate?.inputs.flatMap((input) => schemaFields(input, 'input'))).toContain('execution_mode.working_dir');
    expect(camelSchemaFields(procedures)).toEqual([]);
  });

  it('finds camelCase in input and output schemas (and lets tRPC’s lastEventId through)', () => {
    const bad = router({
      things: {
        create: publicProcedure
          .input(z.object({ agentId: z.string(), nested: z.object({ deepField: z.string(), ok_field: z.number() }) }))
          .output(z.object({ runId: z.string() }))
          .mutation(() => ({ runId: 'r' })),
        onThing: publicProcedure
          .input(z.object({ lastEventId: z.string().optional() }))
          .subscription(async function* () {}),
      },
    });
    expect(camelSchemaFields(proceduresOf(bad))).toEqual([
      'things.create: input agentId',
      'things.create: input nested.deepField',
      'things.create: output runId',
    ]);
  });

  it('walks the output type of every procedure as clients compile it, subscription events included', () => {
    const paths = procedures.map((p) => p.path);
    expect(camelOutputTypeFields(fixture, 'Outputs', paths)).toEqual([]);
    // The same walk on a router that breaks the style.
    expect(camelOutputTypeFields(fixture, 'CamelOutputs', ['things.get', 'things.onThing'])).toEqual([
      'things.get: nested[].createdAt',
      'things.onThing: yields.runId',
    ]);
  }, 180_000);
});

describe('one verb set', () => {
  it('names every procedure by a verb of the table (or, for reads, by what it returns)', () => {
    expect(verbProblems(procedures)).toEqual([]);
  });

  it('gives every delete the one result shape', async () => {
    const deletes = procedures.filter((p) => p.path.endsWith('.delete'));
    expect(deletes.map((p) => p.path)).toEqual(
      expect.arrayContaining(['agents.delete', 'auth.delete', 'memory.sessions.delete', 'secrets.delete']),
    );
    for (const d of deletes) expect(d.output).toBe(deleteResultSchema);
  });

  it('rejects synonyms, verb-prefixed names, misused verbs and other delete shapes', () => {
    const id = z.object({ id: z.string() });
    const bad = router({
      things: {
        destroy: publicProcedure.input(id).mutation(() => ({ ok: true })),
        getSession: publicProcedure.input(id).query(() => null),
        listByAgent: publicProcedure.query(() => []),
        run: publicProcedure.input(id).query(() => null),
        delete: publicProcedure.input(id).mutation(() => ({ ok: true })),
        recount: publicProcedure.mutation(() => 1),
        events: publicProcedure.subscription(async function* () {}),
        onThing: publicProcedure.query(() => null),
        summary: publicProcedure.query(() => null),
        searchRanked: publicProcedure.query(() => []),
      },
    });
    expect(verbProblems(proceduresOf(bad))).toEqual([
      'things.destroy: "destroy" means "delete"; use delete',
      'things.getSession: "get" never prefixes a name; use a sub-router or a filter input',
      'things.listByAgent: "list" never prefixes a name; use a sub-router or a filter input',
      'things.run: "run" is a mutation, this is a query',
      'things.delete: a delete returns deleteResultSchema ({ deleted: true, id })',
      'things.recount: "recount" is not in the verb table; a mutation must be named by a verb',
      'things.events: subscriptions and only they are on<Thing>',
      'things.onThing: subscriptions and only they are on<Thing>',
    ]);
  });
});

describe('queries and mutations read no abort signal', () => {
  // Over the pipe and WebSocket the bundled daemon gives a query or mutation no `signal` (tRPC's handler made one
  // nothing could abort: scripts/trpc-request-signal.mjs), while tests and dev runs of unbundled tRPC still do; a
  // resolver that read it would pass here and find it undefined in production.
  const readsSignal = /\.(?:query|mutation)\(\s*(?:async\s*)?(?:function\s*\w*\s*)?\(\s*\{[^}]*\bsignal\b/;
  const routerDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../src/router');

  it('holds for every router module', () => {
    const files = fs.readdirSync(routerDir).filter((file) => file.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(15);
    const offenders = files.filter((file) => readsSignal.test(fs.readFileSync(path.join(routerDir, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('finds a resolver that does', () => {
    expect(readsSignal.test('list: publicProcedure.query(({ ctx, signal }) => ctx.services.x.list(signal)),')).toBe(
      true,
    );
    expect(readsSignal.test('run: publicProcedure.mutation(async ({ input,\n signal }) => 1),')).toBe(true);
    expect(readsSignal.test('feed: publicProcedure.subscription(async function* ({ ctx, signal }) {')).toBe(false);
  });
});
