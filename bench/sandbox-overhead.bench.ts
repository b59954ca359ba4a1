// Per-command cost of the tool sandbox: the bash tool runs `true` and `echo hi` through bubblewrap (workspace
// bound, data dir and credential stores masked, PID/IPC/UTS/net namespaces) and, as the baseline in the same run,
// unsandboxed; rounds alternate so machine load hits both alike.
// Run: npm run bench:sandbox [-- --calls N]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  buildToolRegistry,
  type CommandSecurityPort,
  detectSandbox,
  noSandbox,
  protectedPaths,
  sandboxRules,
  type ToolSandbox,
} from '@restflow/core';
import { recordFigures } from './record.ts';

const argCalls = process.argv.indexOf('--calls');
const CALLS = argCalls > 0 ? Number(process.argv[argCalls + 1]) : 200;
const ROUNDS = 3;
const WARMUP = 20;

const sandbox = detectSandbox(process.env);
if (sandbox.kind !== 'bubblewrap') {
  console.error(`bubblewrap is not usable here: ${sandbox.warning}`);
  process.exit(1);
}

const allow: CommandSecurityPort = {
  evaluate: () => ({ action: 'allow' }),
  createApproval: () => {
    throw new Error('unexpected approval');
  },
  waitForDecision: async () => ({ status: 'rejected' }),
};

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-bench-sbx-'));
const dataDir = path.join(root, 'data');
const workspaceDir = path.join(dataDir, 'workspaces', 'bench');
fs.mkdirSync(workspaceDir, { recursive: true });
const masked = protectedPaths({ dataDir, env: process.env });

const registry = (box: ToolSandbox) =>
  buildToolRegistry(
    ['bash'],
    {
      security: allow,
      skills: { list: () => [], find: () => undefined },
      memory: { search: async () => [], store: () => ({ id: 'x' }) },
      secrets: { get: () => undefined },
      extraPaths: [],
      allowPrivateNetwork: false,
      sandbox: box,
      protectedPaths: masked,
      baseEnv: process.env,
    },
    { timeoutMs: 10_000, maxResultChars: 4000 },
  );

const variants = { bubblewrap: registry(sandbox), none: registry(noSandbox('baseline')) };

async function time(tools: ReturnType<typeof registry>, command: string, calls: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    const result = await tools.execute(
      { id: `c${i}`, name: 'bash', arguments: JSON.stringify({ command }) },
      {
        runId: 'bench-run',
        workspaceDir,
        signal: new AbortController().signal,
        events: { token() {}, thinking() {}, emit() {} },
      },
    );
    samples.push(performance.now() - t);
    if (!result.success) throw new Error(`${command} failed: ${result.result}`);
  }
  return samples.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

try {
  for (const tools of Object.values(variants)) await time(tools, 'true', WARMUP);
  console.log(`bash tool, ${CALLS} sequential calls per round, ${ROUNDS} rounds, load ${os.loadavg()[0]?.toFixed(1)}`);
  const overheads: Record<string, { base: number; bw: number }> = {};
  for (const command of ['true', 'echo hi']) {
    const all: Record<string, number[]> = { bubblewrap: [], none: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, tools] of Object.entries(variants)) {
        const samples = await time(tools, command, CALLS);
        all[name]?.push(...samples);
      }
    }
    const bw = (all.bubblewrap ?? []).sort((a, b) => a - b);
    const base = (all.none ?? []).sort((a, b) => a - b);
    overheads[command] = { base: pct(base, 0.5), bw: pct(bw, 0.5) };
    console.log(
      `${command.padEnd(8)} unsandboxed p50 ${fmt(pct(base, 0.5))} p95 ${fmt(pct(base, 0.95))} | bubblewrap p50 ${fmt(pct(bw, 0.5))} p95 ${fmt(pct(bw, 0.95))} | overhead p50 ${fmt(pct(bw, 0.5) - pct(base, 0.5))}`,
    );
  }
  // CPU time (user + system) of the processes themselves, from bash's `times`: unlike wall time it does not grow
  // with the machine's load, so it shows the sandbox's own cost.
  const rules = sandboxRules({ workspace: workspaceDir, protectedPaths: masked, network: false });
  const seconds = (t: string) => {
    const [, m, s] = /(\d+)m([\d.]+)s/.exec(t) ?? [];
    return Number(m) * 60 + Number(s);
  };
  const cpuPerCall = (box: ToolSandbox, n: number): number => {
    const wrapped = box.wrap('bash', ['-c', 'true'], rules);
    const line = [wrapped.command, ...wrapped.args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const out = spawnSync('bash', ['-c', `for i in $(seq ${n}); do ${line}; done; times`], { encoding: 'utf8' });
    const children = out.stdout.trim().split('\n').at(-1)?.split(/\s+/) ?? [];
    return ((seconds(children[0] ?? '0m0s') + seconds(children[1] ?? '0m0s')) * 1000) / n;
  };
  const cpuBase = cpuPerCall(noSandbox('baseline'), CALLS);
  const cpuBwrap = cpuPerCall(sandbox, CALLS);
  console.log(
    `CPU per \`bash -c true\` (user+sys, children): unsandboxed ${fmt(cpuBase)} | bubblewrap ${fmt(cpuBwrap)} | overhead ${fmt(cpuBwrap - cpuBase)}`,
  );
  recordFigures(
    'sandbox',
    Object.entries(overheads).map(([command, { base, bw }]) => ({
      what: `bash tool \`${command}\` in bubblewrap, p50`,
      value: bw,
      unit: 'ms',
      baseline: { what: 'unsandboxed', value: base },
      goal: 'overhead ≤ 20 ms',
      met: bw - base <= 20,
    })),
  );
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
