// Property-based fuzzing of every procedure of the router (issue 20), through the SDK over the pipe to a real
// daemon on a temp dir. Seeded (RESTFLOW_FUZZ_SEED replays a run) and bounded: ≤ 60 s in `npm test`;
// RESTFLOW_FUZZ_LONG=1 runs many more inputs per procedure. The fuzzer itself: test/fuzz/procedure-fuzzer.ts.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { appRouter, loadAllRouters } from '@restflow/api';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { removeDataDir, tempDataDir } from '@restflow/testkit';
import { createLogger, type RunningDaemon, startDaemon } from '../src/index.ts';
import { type FuzzProcedure, fuzzProcedure, pipeCaller, proceduresOf } from './fuzz/procedure-fuzzer.ts';

const LONG = process.env.RESTFLOW_FUZZ_LONG === '1';
const SEED = process.env.RESTFLOW_FUZZ_SEED ? Number(process.env.RESTFLOW_FUZZ_SEED) : Date.now() % 2 ** 31;
/** Inputs per procedure at most. */
const RUNS = LONG ? 2000 : 60;
/**
 * Time for all procedures: each gets an equal share of what is left, so a loaded machine runs fewer inputs,
 * never a longer suite (≤ 60 s with the daemon's start).
 */
const BUDGET_MS = LONG ? 60 * 60_000 : 35_000;
let deadline = 0;

/**
 * Procedures not fuzzed, each with its reason. Everything else the router defines is, including procedures added
 * after this file was written.
 */
const SKIPPED: Record<string, string> = {
  'system.shutdown': 'stops the daemon under test (covered by the lifecycle tests)',
};

/**
 * Tables a daemon writes on its own, whatever the calls: the scheduler's heartbeat events. Every other table must
 * be unchanged by a rejected call.
 */
const SELF_WRITTEN_TABLES = new Set(['task_events', 'run_events']);

const CLOSED_PROVIDER_ENDPOINTS = Object.fromEntries(
  ['OPENAI_BASE_URL', 'ANTHROPIC_BASE_URL', 'DEEPSEEK_BASE_URL', 'OPENAI_COMPATIBLE_BASE_URL'].map((name) => [
    name,
    'http://127.0.0.1:9/v1',
  ]),
);

let daemon: RunningDaemon;
let dir: string;
let client: RestflowClient;
let snapshot: () => Record<string, string>;
let quiesce: () => Promise<void>;
const known: string[] = [];

beforeAll(async () => {
  // The daemon imports these SDKs on first use, several at once (McpClientPool.open). Jest's ESM loader can fail
  // such concurrent first imports of modules sharing a dependency ("request for 'zod/v4' is not in cache"), which
  // the daemon reports as INTERNAL_SERVER_ERROR: a test-runner race (a bundled daemon has no such loader), not a
  // finding. Loaded once here, they are in the registry the daemon under test shares.
  for (const sdk of [
    '@modelcontextprotocol/sdk/client/index.js',
    '@modelcontextprotocol/sdk/client/stdio.js',
    '@modelcontextprotocol/sdk/client/streamableHttp.js',
    'openai',
    '@anthropic-ai/sdk',
  ])
    await import(sdk);
  dir = tempDataDir('rfz');
  const emptyPath = path.join(dir, 'no-programs');
  fs.mkdirSync(emptyPath);
  daemon = await startDaemon({
    dataDir: dir,
    logger: createLogger(undefined, 'silent'),
    http: false,
    // No provider keys, a HOME inside the temp dir and an empty PATH: no run reaches a provider, discovery reads
    // nothing real, and a generated CLI task's binary name finds no program to start.
    // Provider endpoints on a closed loopback port: work a call starts in the background (a model list fetched
    // for a key it added) fails at once, and nothing leaves the machine.
    env: { HOME: dir, PATH: emptyPath, ...CLOSED_PROVIDER_ENDPOINTS },
  });
  client = createRestflowClient({ pipePath: daemon.paths.pipe });
  // Something for ids and prefixes to find.
  const agent = await client.agents.create.mutate({ name: 'Fuzz target', agent: { prompt: 'hi' } });
  const chunk = await client.memory.create.mutate({ agent_id: agent.id, content: 'alpha beta gamma' });
  await client.secrets.set.mutate({ key: 'FUZZ_SECRET', value: 'hush' });
  known.push(agent.id, agent.id.slice(0, 8), chunk.id, 'FUZZ_SECRET', 'alpha', 'gpt-5');
  const sqlite = daemon.services.db.$client;
  const tables = (
    sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[]
  )
    .map((row) => row.name)
    .filter((name) => !SELF_WRITTEN_TABLES.has(name) && !name.includes('_fts'));
  // An approval whose time is up turns from pending to expired on its own (a timer, or whichever read looks
  // first), at any moment: five minutes after security.approvals.create, during some later procedure's rejected
  // call in a long run (seed 20261205, terminals.delete). The snapshot shows an expired approval as pending, so
  // only what a call does shows.
  const statusColumn = (sqlite.prepare('SELECT * FROM pending_approvals').columns() as { name: string }[]).findIndex(
    (column) => column.name === 'status',
  );
  const timeless = (table: string, row: unknown[]) =>
    table === 'pending_approvals' && row[statusColumn] === 'expired' ? row.with(statusColumn, 'pending') : row;
  const rows = (table: string) =>
    JSON.stringify(
      (sqlite.prepare(`SELECT * FROM "${table}"`).raw().all() as unknown[][]).map((row) => timeless(table, row)),
      (_k, v) => (Buffer.isBuffer(v) ? v.toString('base64') : typeof v === 'bigint' ? String(v) : v),
    );
  snapshot = () => Object.fromEntries(tables.map((table) => [table, rows(table)]));
  // Runs a call started (agents.run, skills.run, chat.send…) end on their own at once when there is no
  // credential, but retry a refused provider connection for seconds when a fuzzed call stored one: whatever still
  // runs is cancelled (the daemon's own cancel, which waits for the run to settle; one that ended meanwhile
  // refuses, which is fine).
  const running = () =>
    (sqlite.prepare("SELECT id FROM runs WHERE status = 'running'").pluck().all() as string[]).filter((id) =>
      daemon.services.runs.isActive(id),
    );
  quiesce = async () => {
    for (const id of running()) await client.runs.cancel.mutate({ id }).catch(() => undefined);
  };
});

afterAll(async () => {
  client?.close();
  await daemon?.stop('test over');
  removeDataDir(dir);
});

await loadAllRouters(appRouter);
const procedures = proceduresOf(appRouter);

describe(`fuzzing every procedure over the pipe (seed ${SEED}${LONG ? ', long run' : ''})`, () => {
  it('covers every procedure of the router but the documented skips', () => {
    expect(procedures.length).toBeGreaterThan(100);
    const unknownSkips = Object.keys(SKIPPED).filter((path) => !procedures.some((p) => p.path === path));
    expect(unknownSkips).toEqual([]);
  });

  const fuzzed = procedures.filter((p) => SKIPPED[p.path] === undefined);
  let remaining = fuzzed.length;
  it.each(fuzzed.map((procedure) => [procedure.path, procedure] as [string, FuzzProcedure]))(
    '%s: a result or a typed 4xx, never a 500 or a dropped connection; rejected calls change nothing',
    async (_path, procedure) => {
      deadline ||= Date.now() + BUDGET_MS;
      const share = Math.max(100, Math.floor((deadline - Date.now()) / remaining--));
      const calls = await fuzzProcedure(procedure, {
        procedures,
        call: pipeCaller(client),
        snapshot,
        quiesce,
        seed: SEED,
        numRuns: RUNS,
        timeLimitMs: share,
        known,
      });
      expect(calls).toBeGreaterThan(0);
      // The connection is still the same working one.
      expect(await client.system.ping.query()).toBe('pong');
    },
    LONG ? 600_000 : 30_000,
  );
});
