import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { isPublicAddress } from '../../src/engine/tools/network-guard.ts';
import {
  buildToolRegistry,
  type CommandSecurityPort,
  detectSandbox,
  findExecutable,
  type LlmToolCall,
  resolveAllowList,
  type ToolDefinition,
  ToolRegistry,
} from '../../src/index.ts';
import { recordingSink, tempDir, toolDeps } from './helpers.ts';

const call = (name: string, args: unknown, id = 'c1'): LlmToolCall => ({
  id,
  name,
  arguments: typeof args === 'string' ? args : JSON.stringify(args),
});

function context(workspaceDir = tempDir(), signal = new AbortController().signal) {
  return { runId: 'run-12345678', agentId: 'agent-1', workspaceDir, signal, events: recordingSink() };
}

describe('tool allow-list', () => {
  it('grants nothing for an absent or empty list, and accepts the registry-B aliases', () => {
    expect(buildToolRegistry(undefined, toolDeps(), { timeoutMs: 1000, maxResultChars: 100 }).size).toBe(0);
    expect(buildToolRegistry([], toolDeps(), { timeoutMs: 1000, maxResultChars: 100 }).size).toBe(0);
    const registry = buildToolRegistry(
      ['bash', 'http', 'python', 'telegram', 'use_skill', 'memory', 'write', 'read', 'bogus'],
      toolDeps(),
      { timeoutMs: 1000, maxResultChars: 100 },
    );
    expect(registry.names().sort()).toEqual([
      'bash',
      'file',
      'http_request',
      'memory_search',
      'memory_store',
      'run_python',
      'skill',
      'telegram_send',
    ]);
    expect(resolveAllowList(['bogus', 'HTTP']).unknown).toEqual(['bogus']);
  });

  it('offers only read actions to a read-only file grant', () => {
    const registry = buildToolRegistry(['read'], toolDeps(), { timeoutMs: 1000, maxResultChars: 100 });
    const spec = registry.specs()[0]!;
    expect((spec.parameters.properties as Record<string, { enum?: string[] }>).action?.enum).toEqual([
      'read',
      'list',
      'exists',
    ]);
  });
});

describe('ToolRegistry.execute', () => {
  const slowTool: ToolDefinition = {
    name: 'slow',
    description: 'never finishes on its own',
    parameters: { type: 'object', properties: {} },
    execute: () => new Promise(() => {}),
  };
  const bigTool: ToolDefinition = {
    name: 'big',
    description: 'returns a lot',
    parameters: { type: 'object', properties: {} },
    execute: async () => ({ success: true, output: 'x'.repeat(5000) }),
  };

  it('truncates long results and says how long they were', async () => {
    const registry = new ToolRegistry([bigTool], { timeoutMs: 1000, maxResultChars: 4000 });
    const result = await registry.execute(call('big', {}), context());
    expect(result.success).toBe(true);
    expect(result.result).toBe(`${'x'.repeat(4000)}...[truncated, 5000 chars total]`);
  });

  it('cuts a tool off at its timeout, and on cancel', async () => {
    const registry = new ToolRegistry([slowTool], { timeoutMs: 50, maxResultChars: 4000 });
    const started = Date.now();
    const timedOut = await registry.execute(call('slow', {}), context());
    expect(timedOut).toMatchObject({ success: false, result: 'Error: slow timed out after 50 ms' });
    expect(Date.now() - started).toBeLessThan(1000);

    const ctl = new AbortController();
    // Cancelled while it runs: the tool itself triggers the cancel once it has started.
    const cancelledWhileRunning: ToolDefinition = {
      ...slowTool,
      execute: () => {
        ctl.abort();
        return new Promise(() => {});
      },
    };
    const patient = new ToolRegistry([cancelledWhileRunning], { timeoutMs: 60_000, maxResultChars: 4000 });
    const cancelled = await patient.execute(call('slow', {}), context(undefined, ctl.signal));
    expect(cancelled).toMatchObject({ success: false, result: 'Error: cancelled' });
  });

  it('rejects malformed JSON and schema violations before running anything', async () => {
    let ran = false;
    const strict: ToolDefinition = {
      name: 'strict',
      description: '',
      parameters: {
        type: 'object',
        properties: { mode: { type: 'string', enum: ['a', 'b'] } },
        required: ['mode'],
        additionalProperties: false,
      },
      execute: async () => {
        ran = true;
        return { success: true, output: 'ran' };
      },
    };
    const registry = new ToolRegistry([strict], { timeoutMs: 1000, maxResultChars: 4000 });
    expect((await registry.execute(call('strict', '{"mode":'), context())).result).toMatch(/not valid JSON/);
    expect((await registry.execute(call('strict', { mode: 'c' }), context())).result).toMatch(
      /invalid arguments for strict: \/mode must be equal to one of the allowed values \(a, b\)/,
    );
    expect((await registry.execute(call('strict', {}), context())).result).toMatch(
      /must have required property 'mode'/,
    );
    expect(ran).toBe(false);
    expect((await registry.execute(call('strict', { mode: 'a' }), context())).result).toBe('ran');
  });
});

describe('file tool', () => {
  const registry = (extra: string[] = [], grant = 'file') =>
    buildToolRegistry([grant], toolDeps({ extraPaths: extra }), { timeoutMs: 5000, maxResultChars: 4000 });

  it('writes, reads, lists, checks and deletes inside the workspace', async () => {
    const ws = tempDir();
    const files = registry();
    const ctx = context(ws);
    expect(
      (await files.execute(call('file', { action: 'write', path: 'notes/a.txt', content: 'hello' }), ctx)).success,
    ).toBe(true);
    await files.execute(call('file', { action: 'write', path: 'notes/a.txt', content: ' again', append: true }), ctx);
    expect((await files.execute(call('file', { action: 'read', path: 'notes/a.txt' }), ctx)).result).toBe(
      'hello again',
    );
    const listed = JSON.parse((await files.execute(call('file', { action: 'list', path: 'notes' }), ctx)).result);
    expect(listed.entries).toEqual([{ name: 'a.txt', type: 'file' }]);
    await files.execute(call('file', { action: 'delete', path: 'notes/a.txt' }), ctx);
    const exists = JSON.parse(
      (await files.execute(call('file', { action: 'exists', path: 'notes/a.txt' }), ctx)).result,
    );
    expect(exists.exists).toBe(false);
  });

  it('refuses traversal, absolute paths and symlinks that lead outside the allowed directories', async () => {
    const ws = tempDir();
    const outside = tempDir('rf-outside');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'top secret');
    fs.symlinkSync(outside, path.join(ws, 'escape'));
    const files = registry();
    const ctx = context(ws);
    for (const p of ['../secret.txt', path.join(outside, 'secret.txt'), 'escape/secret.txt', 'a/../../x']) {
      const result = await files.execute(call('file', { action: 'read', path: p }), ctx);
      expect(result.success).toBe(false);
      expect(result.result).toMatch(/is outside the allowed directories/);
    }
    const write = await files.execute(call('file', { action: 'write', path: 'escape/new.txt', content: 'x' }), ctx);
    expect(write.result).toMatch(/outside the allowed directories/);
    expect(fs.existsSync(path.join(outside, 'new.txt'))).toBe(false);
  });

  it('allows configured extra directories', async () => {
    const ws = tempDir();
    const shared = tempDir('rf-shared');
    fs.writeFileSync(path.join(shared, 'data.csv'), 'a,b');
    const result = await registry([shared]).execute(
      call('file', { action: 'read', path: path.join(shared, 'data.csv') }),
      context(ws),
    );
    expect(result).toMatchObject({ success: true, result: 'a,b' });
  });

  it('does not let a read-only grant write', async () => {
    const result = await registry([], 'read').execute(
      call('file', { action: 'write', path: 'x', content: 'y' }),
      context(),
    );
    expect(result.success).toBe(false);
    expect(result.result).toMatch(/must be equal to one of the allowed values \(read, list, exists\)/);
  });
});

describe('http_request tool', () => {
  const withServer = async (fn: (url: string) => Promise<void>) => {
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`you sent ${req.method}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      server.close();
    }
  };

  it('classifies addresses: only public unicast passes', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.1',
      '172.16.0.1',
      '169.254.169.254',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '100.64.0.1',
      '0.0.0.0',
    ]) {
      expect([a, isPublicAddress(a)]).toEqual([a, false]);
    }
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('2001:4860:4860::8888')).toBe(true);
  });

  it('blocks loopback targets, by literal address and after DNS resolution', async () => {
    await withServer(async (url) => {
      const tools = buildToolRegistry(['http'], toolDeps(), { timeoutMs: 5000, maxResultChars: 4000 });
      const literal = await tools.execute(call('http_request', { method: 'GET', url }), context());
      expect(literal.success).toBe(false);
      expect(literal.result).toMatch(/non-public address 127\.0\.0\.1/);
      const named = await tools.execute(
        call('http_request', { method: 'GET', url: url.replace('127.0.0.1', 'localhost') }),
        context(),
      );
      expect(named.success).toBe(false);
      expect(named.result).toMatch(/localhost resolves to the non-public address/);
    });
  });

  it('reaches private targets when allowed', async () => {
    await withServer(async (url) => {
      const tools = buildToolRegistry(['http_request'], toolDeps({ allowPrivateNetwork: true }), {
        timeoutMs: 5000,
        maxResultChars: 4000,
      });
      const result = await tools.execute(call('http_request', { method: 'POST', url, body: 'x' }), context());
      expect(result.success).toBe(true);
      expect(JSON.parse(result.result)).toMatchObject({ status: 200, body: 'you sent POST' });
      const bad = await tools.execute(call('http_request', { method: 'GET', url: 'ftp://example.com' }), context());
      expect(bad.result).toMatch(/unsupported protocol ftp:/);
    });
  });
});

describe('bash tool', () => {
  function policy(action: 'allow' | 'block' | 'require_approval', decision: 'approved' | 'rejected' = 'approved') {
    const created: unknown[] = [];
    const port: CommandSecurityPort = {
      evaluate: () => (action === 'block' ? { action, reason: 'blocked by "rm *"' } : { action }),
      createApproval: (request) => {
        created.push(request);
        return { id: 'approval-1', command: request.command, status: 'pending' };
      },
      waitForDecision: async () => ({ status: decision }),
    };
    return { port, created };
  }
  const bash = (port: CommandSecurityPort) =>
    buildToolRegistry(['bash'], toolDeps({ security: port }), { timeoutMs: 5000, maxResultChars: 4000 });

  it('runs allowed commands in the workspace', async () => {
    const ws = tempDir();
    const result = await bash(policy('allow').port).execute(
      call('bash', { command: 'pwd && echo hi >&2' }),
      context(ws),
    );
    expect(result.success).toBe(true);
    expect(JSON.parse(result.result)).toMatchObject({ exit_code: 0, stdout: `${ws}\n`, stderr: 'hi\n' });
    const failing = await bash(policy('allow').port).execute(call('bash', { command: 'exit 3' }), context(ws));
    expect(failing.success).toBe(false);
    expect(failing.result).toMatch(/"exit_code": 3/);
  });

  it('refuses blocked commands and the always-blocked ones without running them', async () => {
    const blocked = await bash(policy('block').port).execute(call('bash', { command: 'rm x' }), context());
    expect(blocked.result).toBe('Error: command blocked by the security policy: blocked by "rm *"');
    const sudo = await bash(policy('allow').port).execute(call('bash', { command: 'sudo ls' }), context());
    expect(sudo.result).toBe('Error: command blocked: privilege escalation (sudo)');
  });

  it('waits for an approval, announcing it as a run event, then runs or refuses', async () => {
    const approved = policy('require_approval', 'approved');
    const ctx = context();
    const ran = await bash(approved.port).execute(call('bash', { command: 'echo approved' }), ctx);
    expect(ran.success).toBe(true);
    expect(JSON.parse(ran.result).stdout).toBe('approved\n');
    expect(approved.created).toEqual([
      expect.objectContaining({ command: 'echo approved', runId: 'run-12345678', agentId: 'agent-1' }),
    ]);
    expect(ctx.events.events.map((e) => e.type)).toEqual(['approval_required', 'step', 'step']);
    expect(ctx.events.events[0]?.payload).toEqual({
      approval: { id: 'approval-1', command: 'echo approved', status: 'pending' },
    });

    const rejected = await bash(policy('require_approval', 'rejected').port).execute(
      call('bash', { command: 'touch x' }),
      context(),
    );
    expect(rejected).toMatchObject({ success: false, result: 'Error: the command was rejected (approval approval-1)' });
  });

  it('kills a command at its timeout', async () => {
    const started = Date.now();
    const result = await bash(policy('allow').port).execute(
      call('bash', { command: 'sleep 5', timeout: 1 }),
      context(),
    );
    expect(result.success).toBe(false);
    expect(result.result).toMatch(/^Error: [\s\S]*"timed_out": true/);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('other tools', () => {
  it('run_python runs a script and reports its output', async () => {
    if (!findExecutable('python3')) throw new Error('python3 is required on the PATH for this test');
    const tools = buildToolRegistry(['python'], toolDeps({ sandbox: detectSandbox(process.env) }), {
      timeoutMs: 10_000,
      maxResultChars: 4000,
    });
    const result = await tools.execute(call('run_python', { code: 'print(6 * 7)' }), context());
    expect(JSON.parse(result.result)).toMatchObject({ exit_code: 0, stdout: '42\n', sandbox: 'bubblewrap' });
  });

  it('skill lists and reads skills', async () => {
    const skills = {
      list: () => [{ id: 'tone', name: 'Tone', content: 'Be nice.' }],
      find: (id: string) => (id === 'tone' ? { id, name: 'Tone', content: 'Be nice.' } : undefined),
    };
    const tools = buildToolRegistry(['skill'], toolDeps({ skills }), { timeoutMs: 1000, maxResultChars: 4000 });
    expect(JSON.parse((await tools.execute(call('skill', { action: 'list' }), context())).result)).toEqual([
      { id: 'tone', name: 'Tone', description: null },
    ]);
    expect(
      JSON.parse((await tools.execute(call('skill', { action: 'read', id: 'tone' }), context())).result).content,
    ).toBe('Be nice.');
    expect((await tools.execute(call('skill', { action: 'read', id: 'nope' }), context())).result).toBe(
      'Error: skill nope not found',
    );
  });

  it('memory tools search and store for the running agent only', async () => {
    const stored: unknown[] = [];
    const memory = {
      search: async (q: { agentId: string; query: string; limit: number }) => [
        { id: 'm1', content: `about ${q.query} (${q.limit})` },
      ],
      store: (chunk: unknown) => {
        stored.push(chunk);
        return { id: 'chunk-9' };
      },
    };
    const tools = buildToolRegistry(['memory'], toolDeps({ memory }), { timeoutMs: 1000, maxResultChars: 4000 });
    const found = JSON.parse((await tools.execute(call('memory_search', { query: 'cats' }), context())).result);
    expect(found).toEqual({ count: 1, results: [{ id: 'm1', content: 'about cats (5)' }] });
    await tools.execute(call('memory_store', { content: 'likes cats', tags: ['pets'] }), context());
    expect(stored).toEqual([{ agentId: 'agent-1', content: 'likes cats', tags: ['pets'], toolName: 'memory_store' }]);
    const inline = await tools.execute(call('memory_search', { query: 'x' }), { ...context(), agentId: undefined });
    expect(inline.result).toMatch(/need a stored agent/);
  });

  it('telegram_send posts to the Bot API with the token secret', async () => {
    const seen: { url?: string; body?: unknown }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        seen.push({ url: req.url, body: JSON.parse(body) });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, result: { message_id: 77 } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const secrets = { get: (key: string) => ({ TELEGRAM_BOT_TOKEN: 'tok123', TELEGRAM_CHAT_ID: '42' })[key] };
      const tools = buildToolRegistry(['telegram'], toolDeps({ secrets, telegramApiBase: base }), {
        timeoutMs: 5000,
        maxResultChars: 4000,
      });
      const result = await tools.execute(call('telegram_send', { message: 'hi', parse_mode: 'HTML' }), context());
      expect(JSON.parse(result.result)).toEqual({ sent: true, chat_id: '42', message_id: 77 });
      expect(seen).toEqual([
        { url: '/bottok123/sendMessage', body: { chat_id: '42', text: 'hi', parse_mode: 'HTML' } },
      ]);
      const noToken = buildToolRegistry(['telegram'], toolDeps(), { timeoutMs: 5000, maxResultChars: 4000 });
      expect((await noToken.execute(call('telegram_send', { message: 'hi' }), context())).result).toBe(
        'Error: secret TELEGRAM_BOT_TOKEN is not set',
      );
    } finally {
      server.close();
    }
  });
});
