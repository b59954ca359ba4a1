// Issue 20's input findings: every text field has a documented limit and refuses unpaired surrogates (which
// SQLite would silently turn into replacement characters); a NUL in a keyword search query is a BAD_REQUEST,
// not an SQLite syntax error.
import { describe, expect, it } from '@jest/globals';
import { createTestCaller, errorOf } from '@restflow/testkit';
import { z } from 'zod';
import { loadAllRouters } from '../src/lazy-routers.ts';
import { appRouter } from '../src/root.ts';
import { TEXT_LIMITS, WELL_FORMED_KEYWORD } from '../src/schemas/limits.ts';
import { searchSessionsInput } from '../src/schemas/sessions.ts';
import { proceduresOf } from './wire-walk.ts';

/** Every `type: string` node of a JSON Schema document that is an input text field, with its path. */
function stringNodes(node: unknown, at: string, found: { at: string; node: Record<string, unknown> }[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      stringNodes(item, `${at}[${i}]`, found);
    });
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  // An enum, a literal or a format (an RFC 3339 timestamp) cannot carry arbitrary text.
  const free = record.enum === undefined && record.const === undefined && record.format === undefined;
  if (record.type === 'string' && free) found.push({ at, node: record });
  for (const [key, value] of Object.entries(record)) stringNodes(value, `${at}.${key}`, found);
}

describe('text limits on every input', () => {
  it('every text field of every procedure input has a maxLength and the well-formed refinement', async () => {
    await loadAllRouters(appRouter);
    const unbounded: string[] = [];
    for (const procedure of proceduresOf(appRouter)) {
      for (const input of procedure.inputs) {
        const found: { at: string; node: Record<string, unknown> }[] = [];
        stringNodes(z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }), '', found);
        for (const { at, node } of found) {
          const problems = [
            typeof node.maxLength === 'number' ? null : 'no maxLength',
            node[WELL_FORMED_KEYWORD] === true ? null : 'no well-formed refinement',
          ].filter(Boolean);
          if (problems.length > 0) unbounded.push(`${procedure.path}${at}: ${problems.join(', ')}`);
        }
      }
    }
    expect(unbounded).toEqual([]);
  });

  it('limits are the documented table (docs/limits.md)', async () => {
    const fs = await import('node:fs');
    const doc = fs.readFileSync(new URL('../../../docs/limits.md', import.meta.url), 'utf8');
    for (const [kind, max] of Object.entries(TEXT_LIMITS)) {
      expect(doc).toMatch(new RegExp(`\\| \`${kind}\` \\| ${max.toLocaleString('en-US').replaceAll(',', '[ ,]?')} `));
    }
  });

  it('an agent prompt over the limit is a BAD_REQUEST naming the field', async () => {
    const { caller } = createTestCaller();
    const error = await errorOf(
      caller.agents.create({ name: 'big', agent: { prompt: 'x'.repeat(TEXT_LIMITS.prompt + 1) } }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/agent\.prompt: must be at most 200000 characters/);
  });
});

describe('unpaired surrogates are refused, never stored altered', () => {
  const lone = 'bad \uD800 text';

  it('in names, memory content and secret values', async () => {
    const { caller, services } = createTestCaller();
    const agent = services.agents.create('Surrogates');
    const cases: [string, () => Promise<unknown>][] = [
      ['name', () => caller.agents.create({ name: lone })],
      ['name', () => caller.tasks.create({ name: lone, agent_id: agent.id })],
      ['content', () => caller.memory.create({ agent_id: agent.id, content: lone })],
      ['value', () => caller.secrets.set({ key: 'LONE_SURROGATE', value: `\uDC00${lone}` })],
      ['value', () => caller.shared.set({ key: 'k', value: lone })],
      ['content', () => caller.chat.send({ agent_id: agent.id, content: lone })],
    ];
    for (const [field, call] of cases) {
      const error = await errorOf(call());
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toContain(`${field}: contains an unpaired UTF-16 surrogate`);
      // Never echoes the value (it may be a secret).
      expect(error.message).not.toContain('bad');
    }
    expect(services.agents.list().map((a) => a.name)).toEqual(['Surrogates']);
    expect(await caller.memory.list({ agent_id: agent.id })).toEqual([]);
    expect((await caller.secrets.has({ key: 'LONE_SURROGATE' })).exists).toBe(false);
  });

  it('accepts proper surrogate pairs (emoji) unchanged', async () => {
    const { caller } = createTestCaller();
    const created = await caller.agents.create({ name: 'emoji 😀 agent' });
    expect(created.name).toBe('emoji 😀 agent');
  });
});

describe('a NUL in a search query', () => {
  it('is a BAD_REQUEST in memory.search and memory.searchUnified, not an SQLite error', async () => {
    const { caller, services } = createTestCaller();
    const agent = services.agents.create('Searcher');
    await caller.memory.create({ agent_id: agent.id, content: 'alpha beta gamma' });
    for (const query of ['abc\u0000def', '\u0000', 'alpha \u0000"x']) {
      for (const search_mode of ['keyword', 'phrase'] as const) {
        const plain = await errorOf(caller.memory.search({ agent_id: agent.id, query, search_mode }));
        expect([plain.code, plain.message]).toEqual(['BAD_REQUEST', expect.stringContaining('query')]);
        const unified = await errorOf(caller.memory.searchUnified({ agent_id: agent.id, query, search_mode }));
        expect([unified.code, unified.message]).toEqual(['BAD_REQUEST', expect.stringContaining('query')]);
      }
    }
    // Quotes and FTS operators are plain text.
    const quoted = await caller.memory.search({ agent_id: agent.id, query: 'alpha "beta" AND OR NOT * ^ gam' });
    expect(quoted.chunks).toEqual([]);
    expect((await caller.memory.search({ agent_id: agent.id, query: 'alpha bet' })).chunks).toHaveLength(1);
  });

  it('is a BAD_REQUEST in sessions.search, whichever way the query would be matched', async () => {
    const { caller } = createTestCaller();
    const agent = await caller.agents.create({ name: 'Chatter' });
    await caller.sessions.create({ agent_id: agent.id, name: 'alpha beta gamma' });
    // Index phrase (3+ ASCII), LIKE walk (short ASCII) and Unicode folding (non-ASCII).
    for (const query of ['4ikw\u0000refG#', 'a\u0000', 'ä\u0000ß']) {
      const error = await errorOf(caller.sessions.search({ query, agent_id: agent.id }));
      expect([error.code, error.message]).toEqual(['BAD_REQUEST', expect.stringContaining('NUL')]);
    }
    expect(await caller.sessions.search({ query: 'beta' })).toHaveLength(1);
    // Refused by the input schema itself, as memory search's query is: the rule shows to every transport.
    const parsed = searchSessionsInput.safeParse({ query: 'beta\u0000' });
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({ path: ['query'], message: 'must not contain a NUL character' }),
    ]);
  });
});

describe('lists that become SQL parameters', () => {
  it('memory.searchUnified takes at most 1000 session_ids (40000 were an SQLite "too many SQL variables" error)', async () => {
    const { caller, services } = createTestCaller();
    const agent = services.agents.create('Searcher');
    await caller.memory.create({ agent_id: agent.id, content: 'alpha' });
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `session-${i}`);
    const error = await errorOf(
      caller.memory.searchUnified({ agent_id: agent.id, query: 'alpha', session_ids: ids(40_000) }),
    );
    expect([error.code, error.message]).toEqual(['BAD_REQUEST', expect.stringContaining('session_ids')]);
    const found = await caller.memory.searchUnified({ agent_id: agent.id, query: 'alpha', session_ids: ids(1000) });
    expect(found.source_counts).toEqual({ memory: 1, sessions: 0 });
  });
});

describe('a NUL in what starts a program', () => {
  it('is a BAD_REQUEST naming the field in MCP servers and CLI tasks, and nothing is stored', async () => {
    const { caller, services } = createTestCaller();
    const agent = services.agents.create('Launcher');
    const cli = (mode: Record<string, unknown>) => ({ type: 'cli' as const, binary: '/bin/echo', ...mode });
    const cases: [string, () => Promise<unknown>][] = [
      ['command', () => caller.mcp.create({ name: 'nul', command: 'serve\u0000r' })],
      ['args.0', () => caller.mcp.create({ name: 'nul', command: 'server', args: ['--token=a\u0000b'] })],
      [
        'binary',
        () => caller.tasks.create({ name: 'n', agent_id: agent.id, execution_mode: cli({ binary: 'ec\u0000ho' }) }),
      ],
      [
        'args.1',
        () => caller.tasks.create({ name: 'n', agent_id: agent.id, execution_mode: cli({ args: ['-n', 'a\u0000'] }) }),
      ],
      [
        'working_dir',
        () =>
          caller.tasks.create({ name: 'n', agent_id: agent.id, execution_mode: cli({ working_dir: '/tmp\u0000' }) }),
      ],
    ];
    for (const [field, call] of cases) {
      const error = await errorOf(call());
      expect([error.code, error.message]).toEqual([
        'BAD_REQUEST',
        expect.stringContaining(`${field}: must not contain a NUL character`),
      ]);
      // Never echoes the value (an argument may carry a token).
      expect(error.message).not.toContain('a\u0000b');
    }
    expect(await caller.mcp.list()).toEqual([]);
    expect(await caller.tasks.list()).toEqual([]);
    // The same text without the NUL is accepted.
    await caller.tasks.create({ name: 'n', agent_id: agent.id, execution_mode: cli({ args: ['-n', 'a'] }) });
  });
});
