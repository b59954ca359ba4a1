// Issue 18's abuse probes against a real daemon process, shared by apps/daemon/test/abuse-probes.e2e.test.ts
// (memory bound and refusals asserted) and bench/abuse-probes.bench.ts (ping latency next to a baseline): partial
// frames parked on the pipe or the WebSocket, a bigint of four million digits, a catastrophic regex memory
// search, each while the prober pings the daemon. The attacks that write megabytes run in a child process
// (fixtures/abuse-client.mjs), so the prober's pings time the daemon rather than the prober's own writing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RestflowClient } from '@restflow/api/client';
import { waitUntil } from './wait.ts';

export const PARKED_FRAMES = 20;
export const PARKED_FRAME_BYTES = 15 * 1024 * 1024;
export const HUGE_BIGINT_DIGITS = 4_000_000;
/** Exponential backtracking for a JS regex engine over a run of `a`s that does not match at its end. */
export const CATASTROPHIC_REGEX = '^(a+)+$';
const abuseClient = fileURLToPath(new URL('../fixtures/abuse-client.mjs', import.meta.url));

/** A process's resident memory (VmRSS), in bytes. */
export function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return Number(kb) * 1024;
}

export interface PingFigures {
  maxRss: number;
  pings: number;
  maxPingMs: number;
  p99PingMs: number;
  p50PingMs: number;
}

/**
 * Runs `action` while pinging the daemon (`pid`) through `client` and sampling its RSS after every ping, bounded
 * by 20 000 pings and 60 s; the loop goes on until the action is done and `pingsAfter` pings ran after it.
 */
export async function pingWhile(
  client: RestflowClient,
  pid: number,
  action: () => Promise<void>,
  pingsAfter = 20,
): Promise<PingFigures> {
  let done = false;
  let maxRss = rssOf(pid);
  const samples: number[] = [];
  let after = 0;
  const deadline = Date.now() + 60_000;
  const loop = (async () => {
    while (samples.length < 20_000 && Date.now() < deadline && !(done && after >= pingsAfter)) {
      const started = performance.now();
      await client.system.ping.query();
      samples.push(performance.now() - started);
      maxRss = Math.max(maxRss, rssOf(pid));
      if (done) after++;
    }
  })();
  try {
    await action();
  } finally {
    done = true;
    await loop;
  }
  maxRss = Math.max(maxRss, rssOf(pid));
  samples.sort((a, b) => a - b);
  const at = (p: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * p))] ?? 0;
  return { maxRss, pings: samples.length, maxPingMs: samples.at(-1) ?? 0, p99PingMs: at(0.99), p50PingMs: at(0.5) };
}

export interface ParkedConnection {
  closed: boolean;
  /** What the daemon sent it (the first 2000 characters, as latin1). */
  text: string;
}

export interface ParkedFrames {
  /** The parked connections as the attacker sees them now. */
  report(): Promise<ParkedConnection[]>;
  /** Closes every parked connection (the attacker exits). */
  release(): Promise<void>;
}

/**
 * Parks `count` partial frames of `bytes` each on the daemon's pipe (`target`: its socket path) or WebSocket
 * (`target`: its HTTP port) from a child process; resolves once each is fully written or closed by the daemon.
 */
export async function parkFrames(
  mode: 'pipe' | 'ws',
  target: string,
  count = PARKED_FRAMES,
  bytes = PARKED_FRAME_BYTES,
): Promise<ParkedFrames> {
  const child = spawn(process.execPath, [abuseClient, mode, target, String(count), String(bytes)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitUntil(() => out.startsWith('ready\n') || child.exitCode !== null, 120_000, 'the frames parked');
  return {
    report: async () => {
      const lines = out.split('\n').length;
      child.stdin.write('report\n');
      await waitUntil(() => out.split('\n').length > lines, 10_000, 'a report');
      return JSON.parse(out.trimEnd().split('\n').at(-1) as string) as ParkedConnection[];
    },
    release: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

/** Sends one request carrying a bigint of `digits` digits from a child process; the daemon's reply frame. */
export async function sendHugeBigint(pipe: string, digits = HUGE_BIGINT_DIGITS): Promise<unknown> {
  const child = spawn(process.execPath, [abuseClient, 'bigint', pipe, String(digits)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the bigint request got no reply (attacker exited with ${code})`);
  return JSON.parse(out.trim());
}

/** Stores the chunk the catastrophic regex backtracks over (24 `a`s, then one character that fails `$`). */
export async function seedHostileChunk(client: RestflowClient): Promise<string> {
  const agent = (await client.agents.list.query())[0] as { id: string };
  await client.memory.create.mutate({ agent_id: agent.id, content: `${'a'.repeat(24)}!` });
  return agent.id;
}

/** A regex memory search with CATASTROPHIC_REGEX over `agentId`'s memory; its match count. */
export async function searchCatastrophicRegex(client: RestflowClient, agentId: string): Promise<number> {
  const result = await client.memory.search.query({
    agent_id: agentId,
    query: CATASTROPHIC_REGEX,
    search_mode: 'regex',
  });
  return result.total_count;
}
