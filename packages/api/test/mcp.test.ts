// MCP in process: the `mcp` router over real stdio servers (the SDK test server), agents calling MCP tools
// through the engine, and RestFlow's own MCP server answering the SDK client over an in-memory transport.
import { describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AgentEngine, mcpPort, memoryPort, secretPort, securityPort } from '@restflow/core';
import { mcpServers } from '@restflow/db';
import {
  createTestCaller,
  createTestServices,
  errorOf,
  fakeDaemonControl,
  mcpTestServerScript,
  ScriptedLlm,
  scriptedFactory,
  textTurn,
  toolTurn,
  waitUntil,
} from '@restflow/testkit';
import { createRestflowMcpServer } from '../src/mcp/index.ts';
import { createLocalClient } from '../src/server/index.ts';

const textOf = (result: unknown): string =>
  ((result as CallToolResult).content ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');

function setup(llm = new ScriptedLlm([]), env: NodeJS.ProcessEnv = { ANTHROPIC_API_KEY: 'sk-test' }) {
  return createTestCaller(createTestServices({ env, llm: scriptedFactory(llm) }));
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('mcp router', () => {
  it('creates, lists, gets and deletes servers; header values are sealed, never listed, and redacted', async () => {
    const { caller, services } = setup();
    const stdio = await caller.mcp.create({ name: 'tools', command: process.execPath, args: [mcpTestServerScript] });
    expect(stdio).toMatchObject({ name: 'tools', transport: 'stdio', url: null, header_names: [] });
    const web = await caller.mcp.create({
      name: 'web',
      url: 'http://127.0.0.1:9/mcp',
      headers: { Authorization: 'Bearer header-secret-4d1c9e' },
    });
    expect(web).toMatchObject({ transport: 'http', command: null, header_names: ['Authorization'] });
    const listed = await caller.mcp.list();
    expect(listed.map((s) => s.name)).toEqual(['tools', 'web']);
    expect(JSON.stringify(listed)).not.toContain('header-secret');
    expect(JSON.stringify(services.db.select().from(mcpServers).all())).not.toContain('header-secret');
    expect(services.redactor.redact('token Bearer header-secret-4d1c9e')).not.toContain('header-secret');
    expect((await caller.mcp.get({ id: 'web' })).id).toBe(web.id);
    expect((await caller.mcp.get({ id: web.id })).name).toBe('web');

    expect((await errorOf(caller.mcp.create({ name: 'tools', command: 'x' }))).message).toMatch(/already exists/);
    expect((await errorOf(caller.mcp.create({ name: 'bad name', command: 'x' }))).code).toBe('BAD_REQUEST');
    expect((await errorOf(caller.mcp.create({ name: 'both', command: 'x', url: 'http://a/' }))).message).toMatch(
      /either a command/,
    );
    expect((await errorOf(caller.mcp.create({ name: 'neither' }))).message).toMatch(/either a command/);
    expect((await errorOf(caller.mcp.create({ name: 'ftp', url: 'ftp://example.com/' }))).code).toBe('BAD_REQUEST');
    expect((await errorOf(caller.mcp.create({ name: 'hdr', command: 'x', headers: { A: 'b' } }))).message).toMatch(
      /HTTP servers only/,
    );
    expect(
      (await errorOf(caller.mcp.create({ name: 'hdr2', url: 'http://a/', headers: { 'bad header': 'b' } }))).message,
    ).toMatch(/not a header name/);
    // A value fetch would refuse at connect time, quoting it in its error: refused when stored, never quoted.
    for (const value of ['Bearer sec\u0000ret', 'Bearer sec\r\nX-Injected: 1', 'Bearer sec€ret']) {
      const error = await errorOf(
        caller.mcp.create({ name: 'hdr3', url: 'http://a/', headers: { Authorization: value } }),
      );
      expect([error.code, error.message]).toEqual([
        'BAD_REQUEST',
        expect.stringContaining('headers: the value of Authorization must be one line of Latin-1 text'),
      ]);
      expect(error.message).not.toContain('sec');
    }
    expect((await caller.mcp.list()).map((s) => s.name)).toEqual(['tools', 'web']);

    expect(await caller.mcp.delete({ id: 'web' })).toEqual({ deleted: true, id: web.id });
    expect((await errorOf(caller.mcp.get({ id: 'web' }))).code).toBe('NOT_FOUND');
    expect(services.redactor.redact('Bearer header-secret-4d1c9e')).toContain('header-secret');
  });

  it('test starts a stdio server and lists its tools; an unreachable server is a clear error', async () => {
    const { caller, services } = setup();
    await caller.mcp.create({ name: 'tools', command: process.execPath, args: [mcpTestServerScript] });
    try {
      const tested = await caller.mcp.test({ id: 'tools' });
      expect(tested.server.name).toBe('tools');
      expect(tested.tools.map((t) => t.name).sort()).toEqual(['crash', 'echo', 'whoami']);
      expect(tested.tools.find((t) => t.name === 'echo')?.input_schema).toMatchObject({ type: 'object' });
      await caller.mcp.create({ name: 'nothing', command: '/nonexistent/mcp-server' });
      const failed = await errorOf(caller.mcp.test({ id: 'nothing' }));
      expect(failed.message).toMatch(/could not connect to MCP server nothing/);
      await caller.mcp.create({ name: 'down', url: 'http://127.0.0.1:9/mcp' });
      expect((await errorOf(caller.mcp.test({ id: 'down' }))).message).toMatch(/could not connect/);
    } finally {
      await services.mcpClients.stopAll();
    }
  });
});

describe('the client pool', () => {
  it('restarts a crashed server on the next use, stops idle ones and every one on stopAll', async () => {
    const { services } = setup(new ScriptedLlm([]), { RESTFLOW_MCP_IDLE_MS: '300' });
    services.mcp.create({ name: 'tools', command: process.execPath, args: [mcpTestServerScript] });
    const pool = services.mcpClients;
    const signal = new AbortController().signal;
    const echo = (text: string) => pool.call('tools', 'echo', { text }, { signal, timeoutMs: 10_000 });
    const first = await echo('abc');
    expect(first).toMatchObject({ is_error: false });
    expect(first.text).toMatch(/^echo:cba:pid=\d+$/);
    const firstPid = Number(/pid=(\d+)/.exec(first.text)?.[1]);

    const crash = await errorOf(pool.call('tools', 'crash', {}, { signal, timeoutMs: 10_000 }));
    expect(crash.message).toMatch(/closed|crash tool called/i);
    await waitUntil(() => !alive(firstPid), 10_000, 'the crashed server to exit');
    const again = await echo('x');
    const secondPid = Number(/pid=(\d+)/.exec(again.text)?.[1]);
    expect(secondPid).not.toBe(firstPid);

    // Idle for longer than RESTFLOW_MCP_IDLE_MS: stopped, and started again when needed.
    await waitUntil(() => pool.size() === 0 && !alive(secondPid), 10_000, 'the idle server to stop');
    const third = await echo('y');
    const thirdPid = Number(/pid=(\d+)/.exec(third.text)?.[1]);
    expect(alive(thirdPid)).toBe(true);

    await pool.stopAll();
    await waitUntil(() => !alive(thirdPid), 10_000, 'every server to stop');
    expect((await errorOf(echo('z'))).message).toMatch(/stopping/);
  }, 60_000);

  it('deleting a running server stops it', async () => {
    const { caller, services } = setup();
    await caller.mcp.create({ name: 'tools', command: process.execPath, args: [mcpTestServerScript] });
    const answer = await services.mcpClients.call(
      'tools',
      'echo',
      { text: 'a' },
      {
        signal: new AbortController().signal,
        timeoutMs: 10_000,
      },
    );
    const pid = Number(/pid=(\d+)/.exec(answer.text)?.[1]);
    await caller.mcp.delete({ id: 'tools' });
    await waitUntil(() => !alive(pid), 10_000, 'the deleted server to stop');
    expect(services.mcpClients.size()).toBe(0);
  }, 30_000);
});

describe('agents with MCP tools', () => {
  it('offers the granted tools, calls them through the registry and warns about what it cannot grant', async () => {
    const llm = new ScriptedLlm([
      toolTurn([
        { id: 'c1', name: 'mcp__tools__echo', args: { text: 'hello' } },
        { id: 'c2', name: 'mcp__tools__echo', args: { wrong: 1 } },
      ]),
      textTurn('Done.'),
    ]);
    const { caller, services } = setup(llm);
    try {
      await caller.mcp.create({ name: 'tools', command: process.execPath, args: [mcpTestServerScript] });
      const agent = await caller.agents.create({
        name: 'user',
        agent: { model: 'sonnet', tools: ['mcp:tools:echo', 'mcp:tools:nope', 'mcp:missing:*', 'MCP:broken'] },
      });
      const engine = new AgentEngine({
        llm: { resolve: async () => llm },
        skills: { list: () => [], find: () => undefined },
        tools: {
          security: securityPort(services.security),
          skills: { list: () => [], find: () => undefined },
          memory: memoryPort(services.memory),
          secrets: secretPort(services.secrets),
          extraPaths: [],
          allowPrivateNetwork: false,
          mcp: mcpPort(services.mcpClients),
        },
      });
      const prepared = await engine.prepare({ id: agent.id, name: agent.name, node: agent.agent });
      expect(prepared.tools.names()).toEqual(['mcp__tools__echo']);
      expect(prepared.warnings).toEqual(
        expect.arrayContaining([
          'MCP server tools has no tool nope',
          expect.stringMatching(/^MCP server missing is not available: MCP server missing not found/),
          'unknown tool MCP:broken',
        ]),
      );
      const result = await caller.agents.execute({ id: agent.id, input: 'echo it' });
      expect(result.response).toBe('Done.');
      const toolMessages = JSON.stringify(llm.requests[1]?.messages.filter((m) => m.role === 'tool'));
      expect(toolMessages).toMatch(/echo:olleh:pid=\d+/);
      expect(toolMessages).toContain('Error: invalid arguments for mcp__tools__echo');
      expect(llm.requests[0]?.tools?.map((t) => t.name)).toEqual(['mcp__tools__echo']);
      expect(llm.requests[0]?.messages[0]?.content).toContain('tool echo of the MCP server tools');
    } finally {
      await services.mcpClients.stopAll();
    }
  }, 60_000);
});

describe("RestFlow's MCP server", () => {
  async function connect(services: ReturnType<typeof setup>['services']) {
    const api = createLocalClient(() => ({ services, daemon: fakeDaemonControl(), transport: 'local' }));
    const server = createRestflowMcpServer(api);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(clientSide);
    return client;
  }

  it('answers every tool through the router, with progress for runs and tool errors for failures', async () => {
    const llm = new ScriptedLlm([textTurn('Bon', 'jour'), textTurn('Chat ', 'answer'), textTurn('Task done')]);
    const { caller, services } = setup(llm);
    const client = await connect(services);
    const agent = await caller.agents.create({ name: 'helper', agent: { model: 'sonnet' } });
    const call = async (name: string, args: Record<string, unknown> = {}) => {
      const result = await client.callTool({ name, arguments: args });
      if (result.isError) throw new Error(textOf(result));
      return textOf(result);
    };

    const created = await call('create_skill', { name: 'Greeter', content: 'Greet in French.', tags: ['fr'] });
    const skillId = /ID: (\S+)/.exec(created)?.[1] as string;
    expect(JSON.parse(await call('list_skills'))).toEqual([
      { id: skillId, name: 'Greeter', description: null, tags: ['fr'] },
    ]);
    expect(await call('update_skill', { id: skillId, description: 'says hi' })).toBe(`Skill ${skillId} updated`);
    expect(JSON.parse(await call('get_skill', { id: skillId }))).toMatchObject({ description: 'says hi' });

    const progress: string[] = [];
    const executed = await client.callTool(
      { name: 'skill_execute', arguments: { skill_id: skillId, input: 'hi', agent_id: agent.id } },
      undefined,
      { onprogress: (p) => progress.push(p.message ?? '') },
    );
    expect(JSON.parse(textOf(executed))).toMatchObject({ status: 'completed', answer: 'Bonjour' });
    expect(llm.requests[0]?.messages[0]?.content).toContain('Greet in French.');
    expect(progress[0]).toMatch(/^started/);

    expect(JSON.parse(await call('list_agents'))).toEqual([{ id: agent.id, name: 'helper', model: agent.agent.model }]);
    expect(JSON.parse(await call('get_agent', { id: agent.id }))).toMatchObject({ name: 'helper' });
    expect(await call('memory_store', { agent_id: agent.id, content: 'kiwi facts', tags: ['t'] })).toMatch(
      /^Stored memory chunk: /,
    );
    expect(await call('memory_search', { agent_id: agent.id, query: 'kiwi' })).toContain('kiwi facts');
    expect(JSON.parse(await call('memory_stats', { agent_id: agent.id }))).toMatchObject({ chunk_count: 1 });

    const chat = JSON.parse(await call('chat_send', { agent_id: agent.id, content: 'hello' })) as {
      session_id: string;
    };
    expect(chat).toMatchObject({ status: 'completed', answer: 'Chat answer' });
    expect(JSON.parse(await call('chat_session_list', { agent_id: agent.id }))).toHaveLength(1);
    expect(await call('chat_session_get', { session_id: chat.session_id })).toContain('Chat answer');

    const task = JSON.parse(await call('task_create', { name: 'Nightly', agent_id: agent.id, input: 'go' })) as {
      id: string;
    };
    expect(JSON.parse(await call('task_list'))).toHaveLength(1);
    services.scheduler.start();
    try {
      expect(JSON.parse(await call('task_run', { id: task.id }))).toMatchObject({
        type: 'completed',
        result: 'Task done',
      });
      const status = JSON.parse(await call('task_status', { id: task.id })) as {
        recent_events: { event_type: string }[];
      };
      expect(status.recent_events.map((e) => e.event_type)).toContain('completed');
    } finally {
      await services.scheduler.stop();
    }

    expect(await call('delete_skill', { id: skillId })).toBe(`Skill ${skillId} deleted`);
    const missing = await client.callTool({ name: 'get_skill', arguments: { id: skillId } });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/^NOT_FOUND: /);
    // No model to answer: the run fails, and the tool says how.
    const failed = await client.callTool({ name: 'chat_send', arguments: { agent_id: agent.id, content: 'again' } });
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toMatch(/the run failed/);
    await client.close();
  }, 60_000);
});
