import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  buildToolRegistry,
  type CommandSecurityPort,
  detectSandbox,
  type LlmToolCall,
  noSandbox,
  Redactor,
  seatbeltProfile,
} from '../../src/index.ts';
import { toolEnv } from '../../src/security/tool-env.ts';
import { recordingSink, tempDir, toolDeps } from './helpers.ts';

const call = (name: string, args: unknown): LlmToolCall => ({ id: 'c1', name, arguments: JSON.stringify(args) });

const allow: CommandSecurityPort = {
  evaluate: () => ({ action: 'allow' }),
  createApproval: () => {
    throw new Error('no approval expected');
  },
  waitForDecision: async () => ({ status: 'rejected' }),
};

describe('bubblewrap sandbox (Linux)', () => {
  // Not skipped when missing: CI installs bubblewrap (.ci/run), and a silently unsandboxed run must fail here.
  const sandbox = detectSandbox({ PATH: process.env.PATH });
  let root: string;
  let dataDir: string;
  let workspace: string;
  let home: string;
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    root = tempDir('rf-sbx');
    home = path.join(root, 'home');
    dataDir = path.join(root, 'data');
    workspace = path.join(dataDir, 'workspaces', 'agent-1');
    fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
    fs.writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'PLANTED-PRIVATE-KEY');
    fs.mkdirSync(workspace, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'master.key'), 'MASTER-KEY-CONTENT');
    fs.symlinkSync(dataDir, path.join(workspace, 'data-link'));
    server = http.createServer((_, res) => res.end('reached'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const registry = (network = false, tools = ['bash', 'python']) =>
    buildToolRegistry(
      tools,
      toolDeps({
        security: allow,
        sandbox,
        protectedPaths: [dataDir, path.join(home, '.ssh')],
        baseEnv: { PATH: process.env.PATH, HOME: home, OPENAI_API_KEY: 'sk-daemon-key-123456', RESTFLOW_DIR: dataDir },
      }),
      { timeoutMs: 10_000, maxResultChars: 20_000 },
      { sandbox: { network }, env: { GRANTED: 'visible-value' } },
    );
  const ctx = () => ({
    runId: 'run-1',
    agentId: 'agent-1',
    workspaceDir: workspace,
    signal: new AbortController().signal,
    events: recordingSink(),
  });
  const bash = async (command: string, network = false) => {
    const result = await registry(network).execute(call('bash', { command }), ctx());
    return { ...result, output: JSON.parse(result.result.replace(/^Error: /, '')) as Record<string, unknown> };
  };

  it('is available on this machine', () => {
    expect(sandbox.kind).toBe('bubblewrap');
    expect(sandbox.warning).toBeNull();
  });

  it('masks the data dir and credential stores but keeps the workspace', async () => {
    const run = await bash(
      `cat ${home}/.ssh/id_ed25519; cat ${dataDir}/master.key; cat data-link/master.key; ls -A ${dataDir}; echo ok > made.txt; cat made.txt`,
    );
    expect(run.output.sandbox).toBe('bubblewrap');
    const stdout = String(run.output.stdout);
    expect(stdout).not.toContain('PLANTED-PRIVATE-KEY');
    expect(stdout).not.toContain('MASTER-KEY-CONTENT');
    expect(stdout).toContain('ok');
    expect(String(run.output.stderr)).toMatch(/No such file/);
    expect(fs.readFileSync(path.join(workspace, 'made.txt'), 'utf8')).toBe('ok\n');
  });

  it('keeps the system read-only, /tmp private and the daemon out of sight', async () => {
    // A system folder the sandbox must show read-only: not the checkout, which may itself live under /tmp (a CI
    // clone), and /tmp is private in the sandbox (writes there land in its own tmpfs).
    const outside = `/usr/bin/rf-sandbox-probe-${process.pid}`;
    const run = await bash(`touch ${outside}; ls /proc | grep -c '^[0-9]' ; touch /tmp/inside && echo tmp-ok`);
    const escaped = fs.existsSync(outside);
    fs.rmSync(outside, { force: true });
    expect(escaped).toBe(false);
    expect(String(run.output.stderr)).toMatch(/Read-only file system/);
    // Only the sandbox's own processes (bwrap's init, bash, ls, grep) are visible.
    expect(Number(String(run.output.stdout).split('\n')[0])).toBeLessThan(6);
    expect(String(run.output.stdout)).toContain('tmp-ok');
    expect(fs.existsSync('/tmp/inside')).toBe(false);
  });

  it('gives tools only the allow-listed environment plus the grants', async () => {
    const run = await bash('env; cat /proc/self/environ | tr "\\0" "\\n"');
    const stdout = String(run.output.stdout);
    expect(stdout).not.toContain('sk-daemon-key-123456');
    expect(stdout).not.toContain('RESTFLOW_DIR');
    expect(stdout).toContain('GRANTED=visible-value');
    expect(stdout).toContain(`HOME=${home}`);
  });

  it('cuts the network unless the agent has sandbox.network', async () => {
    const probe = `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3`;
    const off = await bash(probe);
    expect(off.success).toBe(false);
    expect(String(off.output.stdout)).not.toContain('reached');
    const on = await bash(probe, true);
    expect(String(on.output.stdout)).toContain('reached');
  });

  it('refuses a workdir outside the workspace', async () => {
    const result = await registry().execute(call('bash', { command: 'pwd', workdir: '/' }), ctx());
    expect(result.result).toMatch(/workdir \/ is outside the agent workspace/);
    const viaLink = await registry().execute(call('bash', { command: 'pwd', workdir: 'data-link' }), ctx());
    expect(viaLink.result).toMatch(/outside the agent workspace/);
  });

  it('runs git without the repository’s fsmonitor or hooks when nobody approved it', async () => {
    execFileSync('git', ['init', '-q', 'repo'], { cwd: workspace });
    const marker = path.join(workspace, 'fsmonitor-ran');
    fs.appendFileSync(
      path.join(workspace, 'repo', '.git', 'config'),
      `[core]\n\tfsmonitor = "touch ${marker}; false"\n`,
    );
    const run = await registry().execute(call('bash', { command: 'git status --short', workdir: 'repo' }), ctx());
    expect(run.success).toBe(true);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('runs run_python inside the sandbox, writing in the workspace', async () => {
    const result = await registry().execute(
      call('run_python', {
        code: `open('py.txt','w').write('from python')\ntry:\n  open('${dataDir}/master.key').read(); print('LEAK')\nexcept Exception as e: print('masked', type(e).__name__)`,
      }),
      ctx(),
    );
    const output = JSON.parse(result.result) as { stdout: string; sandbox: string };
    expect(output.sandbox).toBe('bubblewrap');
    expect(output.stdout).toMatch(/^masked /);
    expect(fs.readFileSync(path.join(workspace, 'py.txt'), 'utf8')).toBe('from python');
  });
});

describe('unsandboxed tools', () => {
  it('ask before run_python runs, since nothing confines it', async () => {
    const asked: string[] = [];
    const security: CommandSecurityPort = {
      ...allow,
      createApproval: (request) => {
        asked.push(request.command);
        return { id: 'a1', command: request.command };
      },
    };
    const tools = buildToolRegistry(['python'], toolDeps({ security, sandbox: noSandbox('off') }), {
      timeoutMs: 5000,
      maxResultChars: 4000,
    });
    const result = await tools.execute(call('run_python', { code: 'print(1)' }), {
      runId: 'run-1',
      workspaceDir: tempDir(),
      signal: new AbortController().signal,
      events: recordingSink(),
    });
    expect(result.result).toMatch(/the command was rejected/);
    expect(asked[0]).toMatch(/^python3 - <<'PY'\nprint\(1\)\nPY$/);
  });
});

describe('Seatbelt profile (macOS; generated and checked here, it cannot run on Linux)', () => {
  it('writes only the workspace, masks the protected paths and cuts the network', () => {
    const profile = seatbeltProfile({
      writable: ['/Users/me/.restflow/workspaces/a1'],
      masked: ['/Users/me/.restflow', '/Users/me/.ssh', '/Users/me/with "quote"'],
      network: false,
      workdir: '/Users/me/.restflow/workspaces/a1',
    });
    const lines = profile.trim().split('\n');
    expect(lines[0]).toBe('(version 1)');
    expect(lines[1]).toBe('(allow default)');
    expect(lines[2]).toBe('(deny file-write*)');
    expect(lines[3]).toMatch(/^\(allow file-write\* \(subpath "\/Users\/me\/\.restflow\/workspaces\/a1"\)/);
    expect(lines[4]).toBe(
      '(deny file-read* file-write* (subpath "/Users/me/.restflow") (subpath "/Users/me/.ssh") (subpath "/Users/me/with \\"quote\\""))',
    );
    // Later rules win in SBPL: the workspace (under the masked data dir) is re-allowed after the masks.
    expect(lines[5]).toBe('(allow file-read* file-write* (subpath "/Users/me/.restflow/workspaces/a1"))');
    expect(lines).toContain('(deny process-info* (target others))');
    expect(lines).toContain('(deny network*)');
    const networked = seatbeltProfile({ writable: ['/w'], masked: [], network: true, workdir: '/w' });
    expect(networked).not.toContain('(deny network*)');
  });
});

describe('tool environment', () => {
  it('keeps the allow-list and grants, drops the daemon’s keys', () => {
    const env = toolEnv({
      base: { PATH: '/bin', LANG: 'C', LC_ALL: 'C', OPENAI_API_KEY: 'k', RESTFLOW_DIR: '/d', TELEGRAM_BOT_TOKEN: 't' },
      grants: { FROM_SECRET: { secret: 'GH' }, LITERAL: 'x', MISSING: { secret: 'NOPE' }, 'bad name': 'y' },
      secret: (key) => (key === 'GH' ? 'gh-token' : undefined),
    });
    expect(env).toEqual({ PATH: '/bin', LANG: 'C', LC_ALL: 'C', FROM_SECRET: 'gh-token', LITERAL: 'x' });
  });
});

describe('redactor', () => {
  it('replaces every known value, in plain, JSON-escaped and base64 forms, and ignores short ones', () => {
    const redactor = new Redactor();
    redactor.set('secrets', ['sk-live-ABCDEFGH1234', 'short', 'with"quote\\slash-long']);
    redactor.set('console_token', ['tok_0123456789abcdef']);
    expect(redactor.redact('key sk-live-ABCDEFGH1234 and tok_0123456789abcdef')).toBe('key [redacted] and [redacted]');
    expect(redactor.redact(JSON.stringify({ v: 'with"quote\\slash-long' }))).toBe('{"v":"[redacted]"}');
    expect(redactor.redact('short stays')).toBe('short stays');
    for (const prefix of ['', 'x', 'xy']) {
      const encoded = Buffer.from(`${prefix}sk-live-ABCDEFGH1234\n`).toString('base64');
      expect(redactor.contains(encoded)).toBe(true);
    }
    expect(redactor.redactDeep({ a: ['sk-live-ABCDEFGH1234'], n: 1 })).toEqual({ a: ['[redacted]'], n: 1 });
    redactor.set('secrets', []);
    expect(redactor.redact('sk-live-ABCDEFGH1234')).toBe('sk-live-ABCDEFGH1234');
  });

  it('takes secret-looking variables from an environment', () => {
    const redactor = new Redactor();
    redactor.setFromEnv('env', { OPENAI_API_KEY: 'sk-env-key-98765', PATH: '/usr/local/bin:/usr/bin' });
    expect(redactor.redact('sk-env-key-98765 /usr/local/bin:/usr/bin')).toBe('[redacted] /usr/local/bin:/usr/bin');
  });

  it('still redacts when the secrets are too large for one regular expression (scanned form by form)', () => {
    const redactor = new Redactor();
    // Five 60 KB values: with their JSON and base64 forms, megabytes of alternatives.
    const values = Array.from({ length: 5 }, (_, i) => String.fromCharCode(97 + i).repeat(3) + 'xyz'.repeat(20_000));
    redactor.set('secrets', values);
    const encoded = Buffer.from(values[2] as string).toString('base64');
    expect(redactor.redact(`a ${values[4]} b ${encoded} c`)).toBe('a [redacted] b [redacted] c');
    expect(redactor.contains(`…${values[1]}…`)).toBe(true);
    expect(redactor.contains('nothing secret here')).toBe(false);
    expect(redactor.redactDeep({ list: [values[0]] })).toEqual({ list: ['[redacted]'] });
  });

  it('is applied to every tool result before anyone sees it', async () => {
    const redactor = new Redactor();
    redactor.set('secrets', ['planted-secret-value']);
    const tools = buildToolRegistry(['file'], toolDeps({ redact: (text) => redactor.redact(text) }), {
      timeoutMs: 1000,
      maxResultChars: 4000,
    });
    const workspaceDir = tempDir();
    fs.writeFileSync(path.join(workspaceDir, 'f.txt'), 'x planted-secret-value y');
    const result = await tools.execute(call('file', { action: 'read', path: 'f.txt' }), {
      runId: 'r',
      workspaceDir,
      signal: new AbortController().signal,
      events: recordingSink(),
    });
    expect(result.result).toBe('x [redacted] y');
  });
});

describe('http_request egress', () => {
  const ctx = () => ({
    runId: 'r',
    workspaceDir: tempDir(),
    signal: new AbortController().signal,
    events: recordingSink(),
  });

  it('keeps to the agent’s allowed_hosts and refuses a request carrying a secret', async () => {
    const redactor = new Redactor();
    redactor.set('secrets', ['ghp-stored-secret-0003']);
    const received: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const tools = (allowed_hosts?: string[]) =>
        buildToolRegistry(
          ['http'],
          toolDeps({ allowPrivateNetwork: true, containsSecret: (text) => redactor.contains(text) }),
          { timeoutMs: 5000, maxResultChars: 4000 },
          allowed_hosts ? { allowed_hosts } : {},
        );
      const stolen = await tools().execute(
        call('http_request', { url, method: 'POST', body: 'k=ghp-stored-secret-0003' }),
        ctx(),
      );
      expect(stolen.result).toBe('Error: refused: the request carries the value of a stored secret or key');
      const inUrl = await tools().execute(
        call('http_request', { url: `${url}?k=ghp-stored-secret-0003`, method: 'GET' }),
        ctx(),
      );
      expect(inUrl.success).toBe(false);
      const elsewhere = await tools(['api.example.com', '*.example.org']).execute(
        call('http_request', { url, method: 'GET' }),
        ctx(),
      );
      expect(elsewhere.result).toBe(
        "Error: host 127.0.0.1 is not in this agent's allowed_hosts (api.example.com, *.example.org)",
      );
      const allowed = await tools(['127.0.0.1']).execute(
        call('http_request', { url, method: 'POST', body: 'fine' }),
        ctx(),
      );
      expect(allowed.success).toBe(true);
      expect(received).toEqual(['fine']);
    } finally {
      server.close();
    }
  });
});

describe('file tool confinement', () => {
  it('checks a write through a dangling symlink on its target, and refuses protected paths and .git internals', async () => {
    const root = tempDir('rf-ft');
    const workspace = path.join(root, 'data', 'workspaces', 'a1');
    fs.mkdirSync(workspace, { recursive: true });
    fs.mkdirSync(path.join(workspace, 'repo', '.git'), { recursive: true });
    const outsideTarget = path.join(root, 'planted.txt');
    fs.symlinkSync(outsideTarget, path.join(workspace, 'dangling'));
    const tools = buildToolRegistry(
      ['file'],
      toolDeps({ extraPaths: [path.join(root, 'data')], protectedPaths: [path.join(root, 'data')] }),
      { timeoutMs: 5000, maxResultChars: 4000 },
    );
    const ctx = { runId: 'r', workspaceDir: workspace, signal: new AbortController().signal, events: recordingSink() };
    const viaLink = await tools.execute(call('file', { action: 'write', path: 'dangling', content: 'x' }), ctx);
    expect(viaLink.result).toMatch(/^Error: path dangling is outside the allowed directories/);
    expect(fs.existsSync(outsideTarget)).toBe(false);
    const protectedRead = await tools.execute(call('file', { action: 'read', path: '../../master.key' }), ctx);
    expect(protectedRead.result).toBe('Error: path ../../master.key is protected: tools may not use it');
    const gitConfig = await tools.execute(
      call('file', { action: 'write', path: 'repo/.git/config', content: '[core]\n\tfsmonitor = touch x\n' }),
      ctx,
    );
    expect(gitConfig.result).toMatch(/inside a \.git directory/);
    const fine = await tools.execute(call('file', { action: 'write', path: 'repo/README.md', content: 'hi' }), ctx);
    expect(fine.success).toBe(true);
  });
});
