// RestFlow as an MCP server, end to end: the official SDK client talks to `restflow mcp serve` (stdio, a thin
// client of a real daemon over the pipe) and to `/mcp` on the daemon's HTTP listener (Streamable HTTP), runs
// skills and tasks against the fake provider, and `/mcp` refuses foreign origins, wrong hosts and bad tokens.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { resolvePaths } from '@restflow/paths';
import {
  cliBin,
  removeDataDir,
  runCliJson,
  startTestDaemon,
  type TestDaemon,
  tempDataDir,
  waitUntil,
} from '@restflow/testkit';

let fake: FakeProvider;
let daemon: TestDaemon;
let agentId: string;
let mcpUrl: string;
let token: string;
let readOnlyToken: string;
let consoleToken: string;
const dataDir = tempDataDir('rfms');
const opts = { dataDir };

const RESTFLOW_TOOLS = [
  'list_skills',
  'get_skill',
  'create_skill',
  'update_skill',
  'delete_skill',
  'list_agents',
  'get_agent',
  'memory_search',
  'memory_store',
  'memory_stats',
  'skill_execute',
  'chat_session_list',
  'chat_session_get',
  'chat_send',
  'task_list',
  'task_create',
  'task_run',
  'task_status',
];

beforeAll(async () => {
  fake = await startFakeProvider();
  daemon = await startTestDaemon(dataDir, { ...fake.env(), ANTHROPIC_API_KEY: 'sk-ant-mcp-e2e', OPENAI_API_KEY: '' });
  const paths = resolvePaths(dataDir);
  await waitUntil(() => fs.existsSync(paths.httpInfoFile), 20_000, 'the HTTP listener');
  const info = JSON.parse(fs.readFileSync(paths.httpInfoFile, 'utf8')) as { port: number };
  mcpUrl = `http://127.0.0.1:${info.port}/mcp`;
  consoleToken = fs.readFileSync(paths.consoleToken, 'utf8').trim();
  token = (await runCliJson<{ token: string }>(['token', 'create', '-n', 'mcp-e2e'], opts)).token;
  readOnlyToken = (await runCliJson<{ token: string }>(['token', 'create', '-n', 'mcp-ro', '--read-only'], opts)).token;
  agentId = (await runCliJson<{ id: string }>(['agent', 'create', '-n', 'mcp-helper', '-m', 'sonnet'], opts)).id;
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await fake?.close();
  removeDataDir(dataDir);
});

const textOf = (result: unknown): string =>
  ((result as CallToolResult).content ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');

async function connectStdio(): Promise<{ client: Client; transport: StdioClientTransport; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [cliBin, 'mcp', 'serve'],
    env: { ...(process.env as Record<string, string>), NODE_OPTIONS: '', RESTFLOW_DIR: dataDir },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d) => {
    stderr += d;
  });
  const client = new Client({ name: 'e2e-stdio', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr };
}

async function connectHttp(bearer = token): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
    requestInit: { headers: { authorization: `Bearer ${bearer}` } },
  });
  const client = new Client({ name: 'e2e-http', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** The whole tour, the same on both transports. */
async function tour(client: Client, label: string): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual([...RESTFLOW_TOOLS].sort());
  const createSkill = tools.find((t) => t.name === 'create_skill');
  expect(createSkill?.inputSchema.required).toEqual(['name']);

  // Skills: create, read, execute through the engine (the skill's instructions reach the model).
  const created = textOf(
    await client.callTool({
      name: 'create_skill',
      arguments: { name: `Greeter ${label}`, content: `Always answer in French (${label}).`, tags: ['e2e'] },
    }),
  );
  const skillId = /ID: (\S+)/.exec(created)?.[1] as string;
  expect(skillId).toBeTruthy();
  expect(textOf(await client.callTool({ name: 'get_skill', arguments: { id: skillId } }))).toContain(
    `Always answer in French (${label}).`,
  );
  fake.reset();
  // Streamed slowly enough that the progress notifications of the first tokens come well before the result.
  fake.script({ text: `Bonjour from ${label}`, tokens: 4, tokenDelayMs: 150 });
  const progress: string[] = [];
  const executed = await client.callTool(
    { name: 'skill_execute', arguments: { skill_id: skillId, input: 'greet me', agent_id: agentId } },
    undefined,
    { onprogress: (p) => progress.push(p.message ?? '') },
  );
  expect(executed.isError).toBeFalsy();
  expect(JSON.parse(textOf(executed))).toMatchObject({
    skill_id: skillId,
    status: 'completed',
    answer: `Bonjour from ${label}`,
  });
  expect(JSON.stringify(fake.requests[0]?.body)).toContain(`Always answer in French (${label}).`);
  expect(progress.length).toBeGreaterThan(0);
  expect(progress.join('')).toContain('Bonjour');

  // Memory: store, then find it again.
  const stored = textOf(
    await client.callTool({
      name: 'memory_store',
      arguments: { agent_id: agentId, content: `The code word of ${label} is pineapple-${label}`, tags: ['e2e'] },
    }),
  );
  expect(stored).toMatch(/^Stored memory chunk: /);
  const found = textOf(
    await client.callTool({ name: 'memory_search', arguments: { agent_id: agentId, query: `pineapple-${label}` } }),
  );
  expect(found).toContain(`The code word of ${label} is pineapple-${label}`);

  // Tasks: create, run (waiting for the result), read the status.
  fake.script({ text: `Report of ${label} done` });
  const task = JSON.parse(
    textOf(
      await client.callTool({
        name: 'task_create',
        arguments: { name: `Report ${label}`, agent_id: agentId, input: 'write the report' },
      }),
    ),
  ) as { id: string };
  const ran = await client.callTool({ name: 'task_run', arguments: { id: task.id } });
  expect(ran.isError).toBeFalsy();
  expect(JSON.parse(textOf(ran))).toMatchObject({
    task_id: task.id,
    type: 'completed',
    result: `Report of ${label} done`,
  });
  const status = JSON.parse(textOf(await client.callTool({ name: 'task_status', arguments: { id: task.id } }))) as {
    id: string;
    recent_events: { event_type: string }[];
  };
  expect(status.id).toBe(task.id);
  expect(status.recent_events.map((e) => e.event_type)).toContain('completed');

  // Chat: send to the agent, get the answer.
  fake.script({ text: `Chat answer for ${label}` });
  const chat = JSON.parse(
    textOf(await client.callTool({ name: 'chat_send', arguments: { agent_id: agentId, content: 'hello' } })),
  ) as { answer: string; session_id: string };
  expect(chat.answer).toBe(`Chat answer for ${label}`);
  const session = textOf(
    await client.callTool({ name: 'chat_session_get', arguments: { session_id: chat.session_id } }),
  );
  expect(session).toContain(`Chat answer for ${label}`);

  // Errors are tool errors with the router's words, never a broken session.
  const missing = await client.callTool({ name: 'get_skill', arguments: { id: 'no-such-skill' } });
  expect(missing.isError).toBe(true);
  expect(textOf(missing)).toContain('NOT_FOUND');
  const invalid = await client.callTool({ name: 'create_skill', arguments: { name: '' } });
  expect(invalid.isError).toBe(true);
  expect(textOf(invalid)).toMatch(/name/);
  const stillThere = await client.callTool({ name: 'list_skills', arguments: {} });
  expect(textOf(stillThere)).toContain(skillId);
}

describe('restflow mcp serve (stdio)', () => {
  it('serves the tools to the SDK client: skills, memory, tasks, chat', async () => {
    const { client } = await connectStdio();
    try {
      await tour(client, 'stdio');
    } finally {
      await client.close();
    }
  }, 180_000);

  it('exits by itself when its stdin closes', async () => {
    const child = spawn(process.execPath, [cliBin, 'mcp', 'serve'], {
      env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_DIR: dataDir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })}\n`,
    );
    await waitUntil(() => stdout.includes('"id":1'), 30_000, 'the initialize answer');
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    expect(await exited).toBe(0);
    clearTimeout(timer);
  }, 60_000);
});

describe('/mcp on the daemon (Streamable HTTP)', () => {
  it('serves the tools to the SDK client: skills, memory, tasks, chat', async () => {
    const client = await connectHttp();
    try {
      await tour(client, 'http');
    } finally {
      await client.close();
    }
  }, 180_000);

  /** A raw POST, so the test controls Host, Origin and Authorization exactly. */
  function post(headers: Record<string, string>): Promise<{ status: number; body: string }> {
    const url = new URL(mcpUrl);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            host: url.host,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'content-length': Buffer.byteLength(body),
            ...headers,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => {
            text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('refuses a foreign Origin, a wrong Host, a missing and a bad token; answers the right one', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const ok = await post(auth);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('list_skills');
    const sameOrigin = await post({ ...auth, origin: `http://${new URL(mcpUrl).host}` });
    expect(sameOrigin.status).toBe(200);

    const foreign = await post({ ...auth, origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain('origin not allowed');
    const rebound = await post({ ...auth, host: `evil.example:${new URL(mcpUrl).port}` });
    expect([403, 421]).toContain(rebound.status);
    expect(rebound.body).not.toContain('list_skills');
    const anonymous = await post({});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).not.toContain('list_skills');
    const wrong = await post({ authorization: 'Bearer not-the-token' });
    expect(wrong.status).toBe(401);
    // The console's own token is for its cookie, not a bearer token of the API.
    const consoleBearer = await post({ authorization: `Bearer ${consoleToken}` });
    expect(consoleBearer.status).toBe(401);
  });

  it('gives a read-only API token the reading tools only', async () => {
    const client = await connectHttp(readOnlyToken);
    try {
      const listed = await client.callTool({ name: 'list_skills', arguments: {} });
      expect(listed.isError).toBeFalsy();
      const create = await client.callTool({ name: 'create_skill', arguments: { name: 'Not allowed', content: 'x' } });
      expect(create.isError).toBe(true);
      expect(textOf(create)).toMatch(/FORBIDDEN: .*read-only/);
    } finally {
      await client.close();
    }
  });
});
