// External MCP servers for agents, end to end: servers built with the official SDK (stdio and Streamable HTTP)
// are added with `restflow mcp add`, tested, granted to agents as `mcp:<server>:<tool>`, and called by the model
// (the fake provider) in real runs. A crashing server is a tool error and is started again on the next use;
// after the daemon stops no MCP server process is left.
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import {
  mcpTestServerScript,
  removeDataDir,
  runCli,
  runCliJson,
  startTestDaemon,
  type TestDaemon,
  tempDataDir,
  waitUntil,
} from '@restflow/testkit';

const fixture = mcpTestServerScript;
const HEADER_TOKEN = 'Bearer sekret-mcp-header-7f3a9c';

let fake: FakeProvider;
let daemon: TestDaemon;
let httpServer: ChildProcess;
let httpUrl: string;
const dataDir = tempDataDir('rfmc');
const opts = { dataDir };
/** Pids of the stdio server processes the daemon started (from the echo tool's answers). */
const stdioPids = new Set<number>();

beforeAll(async () => {
  fake = await startFakeProvider();
  httpServer = spawn(process.execPath, [fixture, '--http'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  httpServer.stdout?.on('data', (d) => {
    out += d;
  });
  await waitUntil(() => out.includes('listening '), 20_000, 'the HTTP MCP test server');
  httpUrl = /listening (\S+)/.exec(out)?.[1] as string;
  daemon = await startTestDaemon(dataDir, {
    ...fake.env(),
    ANTHROPIC_API_KEY: 'sk-ant-mcp-client',
    OPENAI_API_KEY: '',
  });
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  httpServer?.kill();
  await fake?.close();
  removeDataDir(dataDir);
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

type Exec = { response: string; execution_details?: { status: string } };

function toolMessages(requestIndex: number): string {
  return JSON.stringify(fake.requests[requestIndex]?.body.messages ?? []);
}

/** `mcp add NAME --format json -- COMMAND…`: after `--` everything belongs to the server's command line. */
async function addStdio(name: string): Promise<{ name: string; transport: string }> {
  const added = await runCli(['mcp', 'add', name, '--format', 'json', '--', process.execPath, fixture], opts);
  if (added.code !== 0) throw new Error(`mcp add ${name} failed: ${added.stderr}`);
  return JSON.parse(added.stdout) as { name: string; transport: string };
}

function pidsIn(text: string): number[] {
  return [...text.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
}

describe('restflow mcp add | list | test | remove', () => {
  it('stores stdio and HTTP servers, never lists header values, and lists their tools', async () => {
    const stdio = await addStdio('tools');
    expect(stdio).toMatchObject({ name: 'tools', transport: 'stdio' });
    const web = await runCli(
      ['mcp', 'add', 'web', '--url', httpUrl, '--header', `Authorization=${HEADER_TOKEN}`, '--format', 'json'],
      opts,
    );
    expect(web.code).toBe(0);
    expect(web.stdout).not.toContain('sekret-mcp-header');

    const listed = await runCli(['mcp', 'list', '--format', 'json'], opts);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain('sekret-mcp-header');
    const servers = JSON.parse(listed.stdout) as { name: string; header_names: string[]; url: string | null }[];
    expect(servers.map((s) => s.name)).toEqual(['tools', 'web']);
    expect(servers[1]).toMatchObject({ header_names: ['Authorization'], url: httpUrl });

    for (const name of ['tools', 'web']) {
      const tested = await runCliJson<{ tools: { name: string }[] }>(['mcp', 'test', name], opts);
      expect(tested.tools.map((t) => t.name).sort()).toEqual(['crash', 'echo', 'whoami']);
    }

    const duplicate = await runCli(['mcp', 'add', 'tools', '--', process.execPath, fixture], opts);
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr).toMatch(/already exists/);
    const badName = await runCli(['mcp', 'add', 'bad name', '--', 'true'], opts);
    expect(badName.code).not.toBe(0);
    expect(badName.stderr).toMatch(/name/);
    const neither = await runCli(['mcp', 'add', 'empty'], opts);
    expect(neither.code).toBe(2);

    await addStdio('spare');
    const removed = await runCliJson<{ deleted: boolean }>(['mcp', 'remove', 'spare'], opts);
    expect(removed.deleted).toBe(true);
    const gone = await runCli(['mcp', 'test', 'spare'], opts);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/not found/);
  }, 120_000);
});

describe('agents call MCP tools', () => {
  it('lists the granted tools to the model and returns the results of stdio and HTTP servers to it', async () => {
    const agent = await runCliJson<{ id: string }>(
      ['agent', 'create', '-n', 'mcp-user', '-m', 'sonnet', '--tools', 'mcp:tools:echo,mcp:web:*'],
      opts,
    );
    fake.reset();
    fake.script(
      {
        toolCalls: [
          { name: 'mcp__tools__echo', arguments: { text: 'hello' } },
          { name: 'mcp__web__echo', arguments: { text: 'world' } },
          { name: 'mcp__web__whoami', arguments: {} },
        ],
      },
      { text: 'All done' },
    );
    const result = await runCliJson<Exec>(['agent', 'exec', agent.id, '-i', 'use the tools'], opts);
    expect(result.response).toBe('All done');

    const offered = ((fake.requests[0]?.body.tools ?? []) as { name: string }[]).map((t) => t.name).sort();
    expect(offered).toEqual(['mcp__tools__echo', 'mcp__web__crash', 'mcp__web__echo', 'mcp__web__whoami']);
    const results = toolMessages(1);
    expect(results).toContain('echo:olleh:pid=');
    expect(results).toContain('echo:dlrow:pid=');
    // The server received the stored header, but its value is a credential: the model never sees it.
    expect(results).toContain('authorization=[redacted]');
    expect(JSON.stringify(fake.requests)).not.toContain('sekret-mcp-header');
    for (const pid of pidsIn(results)) if (pid !== httpServer.pid) stdioPids.add(pid);
    expect(stdioPids.size).toBe(1);
  }, 120_000);

  it("holds MCP tool calls to the security policy and tells the user what the agent's grants could not give", async () => {
    const blocked = await runCli(['security', 'blocklist', 'add', 'mcp:web:whoami'], opts);
    expect(blocked.code).toBe(0);
    const agent = await runCliJson<{ id: string }>(
      ['agent', 'create', '-n', 'mcp-policy', '-m', 'sonnet', '--tools', 'mcp:web:*,mcp:nowhere:*'],
      opts,
    );
    fake.reset();
    fake.script({ toolCalls: [{ name: 'mcp__web__whoami', arguments: {} }] }, { text: 'Refused, as expected' });
    const run = await runCli(['agent', 'exec', agent.id, '-i', 'who are you'], opts);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Refused, as expected');
    // The unknown server is a warning at the start of the run, not a failure.
    expect(run.stderr).toMatch(/⚠ MCP server nowhere is not available/);
    const result = toolMessages(1);
    expect(result).toContain('tool blocked by the security policy');
    expect(result).not.toContain('authorization=');
    const removed = await runCli(['security', 'blocklist', 'show', '--format', 'json'], opts);
    const index = (JSON.parse(removed.stdout) as { pattern: string }[]).findIndex(
      (p) => p.pattern === 'mcp:web:whoami',
    );
    expect((await runCli(['security', 'blocklist', 'remove', String(index)], opts)).code).toBe(0);
  }, 120_000);

  it('a crashing server is a tool error for the agent; the daemon goes on and restarts it on the next use', async () => {
    const agent = await runCliJson<{ id: string }>(
      ['agent', 'create', '-n', 'mcp-crash', '-m', 'sonnet', '--tools', 'mcp:tools:*'],
      opts,
    );
    fake.reset();
    fake.script({ toolCalls: [{ name: 'mcp__tools__crash', arguments: {} }] }, { text: 'The tool failed' });
    const crashed = await runCliJson<Exec>(['agent', 'exec', agent.id, '-i', 'crash it'], opts);
    expect(crashed.response).toBe('The tool failed');
    const crashResult = toolMessages(1);
    expect(crashResult).toContain('Error:');
    expect(crashResult).toMatch(/closed|crash tool called/i);
    const [firstPid] = [...stdioPids];
    await waitUntil(() => !alive(firstPid as number), 10_000, 'the crashed server to be gone');

    const status = await runCli(['status'], opts);
    expect(status.code).toBe(0);

    fake.reset();
    fake.script({ toolCalls: [{ name: 'mcp__tools__echo', arguments: { text: 'again' } }] }, { text: 'Back' });
    const again = await runCliJson<Exec>(['agent', 'exec', agent.id, '-i', 'echo again'], opts);
    expect(again.response).toBe('Back');
    const results = toolMessages(1);
    expect(results).toContain('echo:niaga:pid=');
    const [restartedPid] = pidsIn(results);
    expect(restartedPid).not.toBe(firstPid);
    expect(alive(restartedPid as number)).toBe(true);
    stdioPids.add(restartedPid as number);
  }, 120_000);

  it('leaves no MCP server process behind after the daemon stops', async () => {
    const running = [...stdioPids].filter(alive);
    expect(running.length).toBeGreaterThan(0);
    await daemon.stop();
    await waitUntil(() => running.every((pid) => !alive(pid)), 10_000, 'the MCP server processes to exit');
    for (const pid of stdioPids) expect(alive(pid)).toBe(false);
  }, 60_000);
});
