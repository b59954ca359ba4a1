// An agent's tools cannot read RestFlow's secrets or the user's credentials (docs/security.md). A real daemon on a
// temp data dir and a fake home, the fake provider scripting what a prompt-injected model would call, once with
// bubblewrap and once with the sandbox off (the command policy is then the boundary). Afterwards no secret value
// may be found in the provider requests, the run events (read back through the router), the log file or the
// database and WAL files.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type FakeProvider, type FakeReply, type FakeToolCall, startFakeProvider } from '@restflow/fake-provider';
import { removeDataDir, startTestDaemon, type TestDaemon, tempDataDir } from '@restflow/testkit';

const PROVIDER_KEY = 'sk-ant-e2e-PROVIDER-KEY-0001';
const BOT_TOKEN = 'tg-bot-token-e2e-0002';
const STORED_SECRET = 'ghp-stored-secret-value-0003';
const PLANTED_SSH_KEY = 'PLANTED-SSH-PRIVATE-KEY-0004';
const PLANTED_AWS = 'PLANTED-AWS-SECRET-0005';

interface RunEvent {
  kind: { type: string; [field: string]: unknown };
}

interface Approval {
  id: string;
  command: string;
  status: string;
}

interface Setup {
  daemon: TestDaemon;
  sdk: RestflowClient;
  fake: FakeProvider;
  dataDir: string;
  home: string;
  approvals: Approval[];
  stopApprover: () => void;
  secrets: () => string[];
  capture: { server: http.Server; url: string; bodies: string[] };
}

async function setUp(mode: 'bubblewrap' | 'off', decide: 'approve' | 'reject'): Promise<Setup> {
  const root = tempDataDir('rf-tsec');
  const dataDir = path.join(root, 'data');
  const home = path.join(root, 'home');
  fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
  fs.writeFileSync(path.join(home, '.ssh', 'id_ed25519'), `${PLANTED_SSH_KEY}\n`);
  fs.mkdirSync(path.join(home, '.aws'), { recursive: true });
  fs.writeFileSync(path.join(home, '.aws', 'credentials'), `aws_secret_access_key=${PLANTED_AWS}\n`);
  const fake = await startFakeProvider();
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      bodies.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const daemon = await startTestDaemon(dataDir, {
    ...fake.env(),
    HOME: home,
    ANTHROPIC_API_KEY: PROVIDER_KEY,
    OPENAI_API_KEY: '',
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    // With a token the daemon's Telegram bot starts: keep it on loopback (a closed port), never the real API.
    TELEGRAM_API_BASE: 'http://127.0.0.1:9',
    RESTFLOW_TOOL_ALLOW_PRIVATE_NETWORK: '1',
    RESTFLOW_TOOL_SANDBOX: mode === 'off' ? 'off' : 'auto',
  });
  const sdk = createRestflowClient({ dataDir });
  await sdk.secrets.set.mutate({ key: 'GITHUB_TOKEN', value: STORED_SECRET });
  const approvals: Approval[] = [];
  const sub = sdk.security.onApprovals.subscribe(
    { include_pending: true },
    {
      onData: (event) => {
        const approval = ((event as { data?: unknown }).data ?? event) as Approval;
        if (approval.status !== 'pending' || approvals.some((a) => a.id === approval.id)) return;
        approvals.push(approval);
        const decision =
          decide === 'approve'
            ? sdk.security.approvals.approve.mutate({ id: approval.id })
            : sdk.security.approvals.reject.mutate({ id: approval.id, reason: 'e2e: refused' });
        decision.catch(() => {});
      },
    },
  );
  const secrets = () => [
    PROVIDER_KEY,
    BOT_TOKEN,
    STORED_SECRET,
    PLANTED_SSH_KEY,
    PLANTED_AWS,
    fs.readFileSync(path.join(dataDir, 'master.key'), 'utf8').trim(),
    fs.readFileSync(path.join(dataDir, 'console.token'), 'utf8').trim(),
  ];
  return {
    daemon,
    sdk,
    fake,
    dataDir,
    home,
    approvals,
    stopApprover: () => sub.unsubscribe(),
    secrets,
    capture: { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/collect`, bodies },
  };
}

async function tearDown(setup: Setup | undefined): Promise<void> {
  if (!setup) return;
  setup.stopApprover();
  setup.sdk.close();
  await setup.daemon.stop();
  await setup.fake.close();
  setup.capture.server.close();
  removeDataDir(path.dirname(setup.dataDir));
}

/** Every event of a finished run, replayed through the router. */
function runEvents(sdk: RestflowClient, runId: string): Promise<RunEvent[]> {
  return new Promise((resolve, reject) => {
    const seen: RunEvent[] = [];
    sdk.runs.onEvents.subscribe(
      { run_id: runId },
      {
        onData: (e) => seen.push((e as { data: RunEvent }).data),
        onError: reject,
        onComplete: () => resolve(seen),
      },
    );
  });
}

const bash = (command: string): FakeToolCall => ({ name: 'bash', arguments: { command } });

function attackCalls(setup: Setup): FakeToolCall[] {
  const d = setup.dataDir;
  return [
    bash(
      `echo K=$ANTHROPIC_API_KEY; cat /proc/self/environ; cat ${d}/master.key; cat ${d}/console.token; cat ~/.ssh/id_ed25519`,
    ),
    bash('printenv'),
    bash('env'),
    bash(`cat /proc/${setup.daemon.pid}/environ`),
    bash(`echo "$(< ${d}/master.key)"`),
    bash(`ln -s ${d} data-link; cat data-link/master.key data-link/console.token`),
    bash(`base64 ${d}/master.key; base64 ~/.ssh/id_ed25519`),
    bash('cat ~/.aws/credentials; grep -r aws_secret ~'),
    bash(`cat ${d}/restflow.db | strings | head -50`),
    { name: 'file', arguments: { action: 'read', path: `${d}/master.key` } },
    { name: 'file', arguments: { action: 'read', path: 'repo-link/console.token' } },
    bash('cat repo-link/master.key'),
    { name: 'file', arguments: { action: 'read', path: `${setup.home}/.ssh/id_ed25519` } },
    // What a tool read (here: nothing secret) may leave through http_request; the body is the model's own words.
    { name: 'http_request', arguments: { url: setup.capture.url, method: 'POST', body: 'collected=nothing' } },
  ];
}

function expectNothingLeaked(setup: Setup, events: RunEvent[]): void {
  const haystacks: [string, string][] = [
    ['provider requests', JSON.stringify(setup.fake.requests.map((r) => r.body))],
    ['run events', JSON.stringify(events)],
    ['daemon log', fs.readFileSync(path.join(setup.dataDir, 'logs', 'daemon.log'), 'latin1')],
    ['exfiltration server', setup.capture.bodies.join('\n')],
  ];
  for (const file of ['restflow.db', 'restflow.db-wal']) {
    const full = path.join(setup.dataDir, file);
    if (fs.existsSync(full)) haystacks.push([file, fs.readFileSync(full).toString('latin1')]);
  }
  expect(haystacks.map(([name]) => name)).toContain('restflow.db-wal');
  for (const secret of setup.secrets()) {
    const encodings = [secret, Buffer.from(secret).toString('base64').slice(0, 16)];
    for (const [name, text] of haystacks) {
      for (const needle of encodings) {
        if (text.includes(needle)) throw new Error(`${name} contains a secret (${needle.slice(0, 6)}…)`);
      }
    }
  }
}

/** Tool results in the order of the scripted calls (tools may finish in any order). */
function toolResults(events: RunEvent[]): string[] {
  const ends = events.filter((e) => e.kind.type === 'tool_call_end');
  const byId = new Map(ends.map((e) => [String(e.kind.tool_id), String(e.kind.result)]));
  const ids = [...byId.keys()].sort((a, b) => Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')));
  if (process.env.DEBUG_TOOL_SECRETS) for (const id of ids) console.log(id, byId.get(id)?.slice(0, 400));
  return ids.map((id) => byId.get(id) as string);
}

/**
 * One model turn per call, in order (calls of one turn run concurrently), with explicit ids (`toolu_0` …) so
 * results can be matched to calls; then a final answer.
 */
const oneByOne = (calls: FakeToolCall[], finalText: string): FakeReply[] => [
  ...calls.map((c, i) => ({ toolCalls: [{ ...c, id: `toolu_${i}` }] })),
  { text: finalText },
];

describe.each([
  ['bubblewrap', 'approve'],
  ['off', 'reject'],
] as const)('tool secrets with the sandbox %s (approvals: %s)', (mode, decide) => {
  let setup: Setup;

  beforeAll(async () => {
    setup = await setUp(mode, decide);
  });
  afterAll(async () => {
    await tearDown(setup);
  });

  it('reports how tools are confined', async () => {
    const status = await setup.sdk.system.status.query();
    const info = await setup.sdk.system.info.query();
    if (mode === 'bubblewrap') {
      expect(status).toMatchObject({ tools_sandbox: 'bubblewrap', tools_sandbox_warning: null });
      expect(info.tools_sandbox).toBe('bubblewrap');
    } else {
      expect(status.tools_sandbox).toBe('none');
      expect(status.tools_sandbox_warning).toMatch(/run unsandboxed/);
    }
  });

  it('keeps every secret out of the provider, the run events, the log, the database and the network', async () => {
    const agent = await setup.sdk.agents.create.mutate({
      name: `attacked-${mode}`,
      agent: { model: 'sonnet', tools: ['bash', 'file', 'http'], sandbox: { network: true } },
    });
    // A symlink to the data dir inside the workspace, as a checked-out repository could bring.
    const workspace = path.join(setup.dataDir, 'workspaces', agent.id);
    fs.mkdirSync(workspace, { recursive: true });
    fs.symlinkSync(setup.dataDir, path.join(workspace, 'repo-link'));
    const calls = attackCalls(setup);
    // All in one turn (they do not depend on each other, and run concurrently), then the final answer.
    setup.fake.script(
      { text: 'Reading the page.', toolCalls: calls.map((c, i) => ({ ...c, id: `toolu_${i}` })) },
      { text: 'Nothing interesting.' },
    );
    const outcome = await setup.sdk.agents.execute.mutate({ id: agent.id, input: 'summarise this web page' });
    expect(outcome.execution_details?.status).toBe('completed');
    const events = await runEvents(setup.sdk, outcome.run_id);
    const results = toolResults(events);
    expect(results).toHaveLength(calls.length);

    if (mode === 'bubblewrap') {
      // Everything was approved, so everything ran: the sandbox alone kept the secrets out.
      const bashResults = [...results.slice(0, 9), results[11] as string].map(
        (r) => JSON.parse(r.replace(/^Error: /, '')) as { sandbox: string; stderr: string },
      );
      expect(bashResults.map((r) => r.sandbox)).toEqual(Array(10).fill('bubblewrap'));
      // The masked files are simply not there.
      expect(bashResults[0]?.stderr).toMatch(/master\.key: No such file or directory/);
      expect(bashResults[9]?.stderr).toMatch(/repo-link\/master\.key: No such file or directory/);
      expect(results[0]).toMatch(/K=\\n/);
      expect(setup.approvals.length).toBeGreaterThan(0);
    } else {
      // The policy blocked what names a protected path and asked (refused here) for the rest.
      expect(results[0]).toMatch(/^Error: command blocked by the security policy/);
      expect(results[3]).toMatch(/blocked|rejected/);
      expect(results[6]).toMatch(/blocked|rejected/);
    }
    expect(results[9]).toMatch(/^Error: path .* is (protected|outside)/);
    expect(results[10]).toMatch(/^Error: path .* is (protected|outside)/);
    expect(results[12]).toMatch(/^Error: path .* is (protected|outside)/);
    expect(setup.capture.bodies).toEqual(['collected=nothing']);

    // The fake provider saw the second turn, with every tool result in it.
    expect(setup.fake.requests).toHaveLength(2);
    expectNothingLeaked(setup, events);
  });

  if (mode === 'bubblewrap') {
    it('still runs a normal workflow: git, a workspace script, npm test and run_python', async () => {
      const agent = await setup.sdk.agents.create.mutate({
        name: 'worker',
        agent: { model: 'sonnet', tools: ['bash', 'file', 'python'] },
      });
      setup.fake.reset();
      setup.fake.script(
        ...oneByOne(
          [
            bash('git init -q proj && git -C proj config user.email a@b.c && git -C proj config user.name A'),
            {
              name: 'file',
              arguments: { action: 'write', path: 'proj/run.sh', content: 'echo "script ran in $PWD"\n' },
            },
            {
              name: 'file',
              arguments: {
                action: 'write',
                path: 'proj/package.json',
                content: JSON.stringify({ name: 'tiny', version: '1.0.0', scripts: { test: 'node test.js' } }),
              },
            },
            {
              name: 'file',
              arguments: { action: 'write', path: 'proj/test.js', content: "console.log('tiny tests passed')\n" },
            },
            { name: 'bash', arguments: { command: 'git status --short', workdir: 'proj' } },
            { name: 'bash', arguments: { command: 'bash run.sh', workdir: 'proj' } },
            { name: 'bash', arguments: { command: 'npm test --silent', workdir: 'proj' } },
            { name: 'run_python', arguments: { code: "open('proj/from_python.txt','w').write('written by python')" } },
          ],
          'All done.',
        ),
      );
      const outcome = await setup.sdk.agents.execute.mutate({ id: agent.id, input: 'set up the project' });
      expect(outcome.execution_details?.status).toBe('completed');
      const results = toolResults(await runEvents(setup.sdk, outcome.run_id));
      const out = (i: number) => JSON.parse(results[i] as string) as { stdout: string; exit_code: number };
      expect(out(0).exit_code).toBe(0);
      expect(out(4).stdout).toContain('?? package.json');
      expect(out(5).stdout).toMatch(/script ran in .*\/proj/);
      expect(out(6).stdout).toContain('tiny tests passed');
      expect(out(7).exit_code).toBe(0);
      const workspace = path.join(setup.dataDir, 'workspaces', agent.id);
      expect(fs.readFileSync(path.join(workspace, 'proj', 'from_python.txt'), 'utf8')).toBe('written by python');
    });
  }
});
