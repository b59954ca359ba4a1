// Compaction of old runs' text deltas (docs/streams.md#compaction): a real run through the RunManager with every
// delta stored, replayed before and after; the upkeep pass that picks the runs; the query plans it reads with.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { closeDb, createDb } from '@restflow/db';
import { applyRunEvent, emptyRunView, type RunStreamEvent, Timeline } from '@restflow/run-model';
import { createTestServices, ScriptedLlm, type TestServices, textTurn, toolTurn } from '@restflow/testkit';
import { EventBus } from '../src/events/event-bus.ts';
import {
  DatabaseMaintenance,
  RunEventCompactor,
  RunEventLog,
  RunManager,
  type SessionPort,
  type StreamChunk,
  ToolRegistry,
} from '../src/index.ts';
import { engineWith } from './engine/helpers.ts';
import { planProblems, statementsOf } from './query-plans.ts';

const DAY = 86_400_000;
const echo = {
  name: 'echo',
  description: 'echo',
  parameters: { type: 'object', properties: {} },
  execute: async () => ({ success: true, output: 'pong' }),
};
const messages: SessionPort = { updateMessage: () => undefined } as unknown as SessionPort;

/** A finished run whose every delta is a stored event: thinking, text, a tool call, more text. */
async function streamedRun(services: TestServices): Promise<string> {
  const pieces = Array.from({ length: 120 }, (_, i) => `w${i} `);
  const llm = new ScriptedLlm([
    {
      chunks: [
        ...['Let ', 'me ', 'look.'].map((text) => ({ type: 'thinking' as const, text })),
        ...(toolTurn([{ id: 'c1', name: 'echo', args: {} }], 'Checking') as { chunks: StreamChunk[] }).chunks,
      ],
    },
    textTurn(...pieces),
  ]);
  const engine = engineWith(llm);
  // Batching off: each delta is its own event, as the worst case of a long answer.
  const manager = new RunManager(services, engine, messages, { intervalMs: 0, maxChars: 1 });
  const prepared = await engine.prepare({ node: { model: 'sonnet' } });
  prepared.tools = new ToolRegistry([echo], { timeoutMs: 1000, maxResultChars: 4000 });
  const handle = manager.start({ kind: 'exec', prepared, history: [], input: 'go' });
  expect((await handle.done).status).toBe('completed');
  return handle.runId;
}

async function replay(services: TestServices, runId: string): Promise<RunStreamEvent[]> {
  const events: RunStreamEvent[] = [];
  for await (const event of services.runs.subscribe(runId)) events.push(event);
  return events;
}

/** What a client shows of a run: the reducer's view and the timeline, without seqs and times. */
function shown(events: RunStreamEvent[]) {
  const view = events.reduce(applyRunEvent, emptyRunView());
  const timeline = new Timeline();
  for (const event of events) timeline.add(event);
  return {
    content: view.content,
    parts: view.parts,
    thinking: view.thinking,
    tools: view.tools,
    status: view.status,
    tokenCount: view.tokenCount,
    timeline: timeline.entries.map(({ type, summary, detail }) => ({ type, summary, detail })),
  };
}

describe('run event compaction', () => {
  it('merges each stretch of deltas into one event, and the replay shows the same run', async () => {
    const services = createTestServices();
    const runId = await streamedRun(services);
    const before = await replay(services, runId);
    expect(before.filter((e) => e.kind.type === 'token').length).toBeGreaterThan(120);
    expect(before.filter((e) => e.kind.type === 'thinking')).toHaveLength(3);

    const done = new RunEventCompactor(services.db, () => services.clock.now()).compactStartedBefore(
      services.clock.now() + 1,
    );
    expect(done).toMatchObject({ runs: 1, more: false });
    expect(done.events_removed).toBeGreaterThan(120);
    const after = await replay(services, runId);
    expect(shown(after)).toEqual(shown(before));
    expect(shown(after).content).toContain('w119');
    // One thinking event, text before the tool call, text after it.
    expect(after.map((e) => e.kind.type)).toEqual([
      'started',
      'thinking',
      'token',
      'usage',
      'tool_call_start',
      'step',
      'tool_call_end',
      'step',
      'token',
      'completed',
    ]);
    expect(after.length).toBe(before.length - done.events_removed);
    // Seqs only grow; the merged event keeps its stretch's last seq, so the terminal event's is unchanged.
    const seqs = after.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(after.at(-1)?.seq).toBe(before.at(-1)?.seq);
    expect(services.runs.get(runId).last_seq).toBe(before.at(-1)?.seq);
    // A cursor after a merged stretch resumes exactly as before.
    const resumeAt = after[after.length - 3]?.seq as number;
    const resumed: RunStreamEvent[] = [];
    for await (const event of services.runs.subscribe(runId, { afterSeq: resumeAt })) resumed.push(event);
    expect(resumed.map((e) => e.kind.type)).toEqual(['token', 'completed']);

    // A second pass finds nothing new to do.
    const again = new RunEventCompactor(services.db, () => services.clock.now()).compactStartedBefore(
      services.clock.now() + 1,
    );
    expect(again).toEqual({ runs: 0, events_removed: 0, more: false });
    expect(await replay(services, runId)).toEqual(after);
  });

  it('compacts only finished runs older than the retention, a batch at a time, through the upkeep pass', async () => {
    const services = createTestServices();
    const old: string[] = [];
    for (let i = 0; i < 3; i++) {
      old.push(await streamedRun(services));
      services.clock.advance(60_000);
    }
    services.clock.advance(10 * DAY);
    const recent = await streamedRun(services);
    const recentBefore = await replay(services, recent);
    services.config.set({ run_events_keep_days: 5 });
    const maintenance = new DatabaseMaintenance(services.db, services.clock, {
      keepDays: () => services.config.get().run_events_keep_days,
      batch: 2,
    });
    const report = await maintenance.runOnce();
    expect(report.runs_compacted).toBe(3);
    expect(report.events_removed).toBeGreaterThan(3 * 120);
    expect(await replay(services, recent)).toEqual(recentBefore);
    for (const runId of old) expect((await replay(services, runId)).length).toBe(10);
    const recorded = services.db.$client
      .prepare('SELECT run_id, events_after FROM run_event_compactions ORDER BY started_at')
      .all();
    expect(recorded).toEqual(old.map((run_id) => ({ run_id, events_after: 10 })));
    expect((await maintenance.runOnce()).runs_compacted).toBe(0);
    await maintenance.stop();
  });

  it('finds the runs to compact, replays a run and lists runs through indexes, never a scan of runs or run_events', async () => {
    const services = createTestServices();
    const insertRun = services.db.$client.prepare(
      `INSERT INTO runs (id, kind, status, started_at, finished_at) VALUES (?, 'exec', 'completed', ?, ?)`,
    );
    const insertEvent = services.db.$client.prepare(
      `INSERT INTO run_events (run_id, seq, type, payload, created_at) VALUES (?, ?, 'token', '{"text":"x","token_count":1}', 0)`,
    );
    services.db.$client.transaction(() => {
      for (let i = 0; i < 300; i++) {
        insertRun.run(`run-${i}`, i, i + 1);
        for (let seq = 1; seq <= 5; seq++) insertEvent.run(`run-${i}`, seq);
      }
    })();
    services.db.$client.exec('ANALYZE');
    const compactor = new RunEventCompactor(services.db, () => 1000);
    const statements = statementsOf(services.db, () => compactor.compactStartedBefore(150, 20));
    expect(statements.some((st) => /FROM runs/.test(st.sql))).toBe(true);
    // A replay's reads (the log prepares its statements when made) and the run list, with its usage per run tree.
    statements.push(
      ...statementsOf(services.db, () => {
        const log = new RunEventLog(services.db, new EventBus(), services.clock);
        log.listAfter('run-7', 0, 1000);
        log.listAfter('run-7', 3, 1000);
        log.lastSummary('run-7');
      }),
      ...statementsOf(services.db, () => services.runs.listPage({ limit: 20 })),
    );
    expect(statements.filter((st) => /WITH RECURSIVE tree/.test(st.sql))).toHaveLength(20);
    expect(statements.filter((st) => /FROM run_events WHERE run_id = \? AND seq > \?/.test(st.sql))).toHaveLength(2);
    expect(
      planProblems(services.db, statements, { bigTables: ['runs', 'run_events', 'run_event_compactions'] }),
    ).toEqual([]);
  });
});

describe('database upkeep', () => {
  it('checkpoints the write-ahead log and hands the pages deletes freed back to the file system', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-upkeep-'));
    const file = path.join(dir, 'restflow.db');
    const db = createDb(file);
    try {
      const services = createTestServices({ db });
      const insert = db.$client.prepare(
        `INSERT INTO run_events (run_id, seq, type, payload, created_at) VALUES ('r', ?, 'token', ?, 0)`,
      );
      db.$client.transaction(() => {
        for (let seq = 1; seq <= 3000; seq++) insert.run(seq, JSON.stringify({ text: 'x'.repeat(500) }));
      })();
      db.$client.exec("DELETE FROM run_events WHERE run_id = 'r'");
      const maintenance = new DatabaseMaintenance(db, services.clock, { keepDays: () => 30 });
      const report = await maintenance.runOnce();
      expect(report.wal_frames).toBeGreaterThan(0);
      expect(fs.statSync(`${file}-wal`).size).toBe(0);
      expect(report.pages_vacuumed).toBeGreaterThan(300);
      expect(db.$client.pragma('freelist_count', { simple: true })).toBe(0);
      expect(fs.statSync(file).size).toBeLessThan(1024 * 1024);
    } finally {
      closeDb(db);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the log to the next pass instead of waiting for a reader (the search thread) to finish', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-upkeep-'));
    const file = path.join(dir, 'restflow.db');
    const db = createDb(file);
    const reader = createDb(file, { readonly: true });
    try {
      const services = createTestServices({ db });
      services.memory.store({ agent_id: services.agents.create('A').id, content: 'before the reader' });
      // A read transaction open on another connection, as a long search on the search thread holds one.
      reader.$client.exec('BEGIN');
      expect(reader.$client.prepare('SELECT count(*) FROM memory_chunks').pluck().get()).toBe(1);
      services.memory.store({ agent_id: services.agents.list()[0]?.id as string, content: 'after the reader' });
      const maintenance = new DatabaseMaintenance(db, services.clock, { keepDays: () => 30 });
      const started = Date.now();
      const report = await maintenance.runOnce();
      // busy_timeout is 5 s: a pass that waited for the reader would take that long.
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(report.wal_frames).toBeGreaterThan(0);
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);
      expect(db.$client.pragma('busy_timeout', { simple: true })).toBe(5000);
      reader.$client.exec('COMMIT');
      await maintenance.runOnce();
      expect(fs.statSync(`${file}-wal`).size).toBe(0);
    } finally {
      closeDb(reader);
      closeDb(db);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
