// Issue 18's abuse probes against a real daemon process: partial frames parked on the pipe and the WebSocket, a
// bigint of four million digits, a catastrophic regex memory search. Each runs while a second client pings the
// daemon in a bounded loop; the daemon's resident memory (VmRSS) must stay under 200 MB and no ping may stall.
// The parked frames are written by a child process, so the pings time the daemon. The 100 ms goal is printed,
// not asserted: on a shared, loaded 2-core machine a ping can wait on other processes; a stall here is anything
// over STALL_MS — a backtracking regex or an unbounded buffer costs several seconds.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { WS_CLOSE_OVER_BUDGET } from '@restflow/api/server';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, startTestDaemon, type TestDaemon, tempDataDir, waitUntil } from '@restflow/testkit';

// Measured against the built daemon bundle (npm run build -w @restflow/daemon): run from its TypeScript sources
// through tsx, an idle daemon alone takes some 190 MB.
const RSS_LIMIT_BYTES = 200 * 1024 * 1024;
const STALL_MS = Number(process.env.RESTFLOW_PROBE_STALL_MS ?? 2000);
const PARKED = 20;
const PARKED_FRAME_BYTES = 15 * 1024 * 1024;
const parkScript = fileURLToPath(new URL('./fixtures/park-frames.mjs', import.meta.url));

let dataDir: string;
let daemon: TestDaemon;
let client: RestflowClient;

// A daemon per probe: memory a probe made the allocator take is not returned to the system at once, and each
// probe's figure is its own.
beforeEach(async () => {
  dataDir = tempDataDir('rf-probe');
  daemon = await startTestDaemon(dataDir);
  client = createRestflowClient({ pipePath: daemon.pipe });
}, 60_000);

afterEach(async () => {
  client?.close();
  await daemon?.stop();
  removeDataDir(dataDir);
});

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return Number(kb) * 1024;
}

interface ProbeFigures {
  maxRss: number;
  maxPingMs: number;
  pings: number;
}

/**
 * Runs `action` while pinging (bounded: at most 20 000 pings or 60 s) and sampling the daemon's RSS after every
 * ping; the loop goes on until the action is done and at least a few pings ran after it.
 */
async function probe(action: () => Promise<void>): Promise<ProbeFigures> {
  process.stdout.write(`daemon RSS before: ${(rssOf(daemon.pid) / 1048576).toFixed(1)} MB\n`);
  let done = false;
  let maxRss = rssOf(daemon.pid);
  let maxPingMs = 0;
  let pings = 0;
  let pingsAfter = 0;
  const deadline = Date.now() + 60_000;
  const loop = (async () => {
    while (pings < 20_000 && Date.now() < deadline && !(done && pingsAfter >= 20)) {
      const started = performance.now();
      await client.system.ping.query();
      maxPingMs = Math.max(maxPingMs, performance.now() - started);
      maxRss = Math.max(maxRss, rssOf(daemon.pid));
      pings++;
      if (done) pingsAfter++;
    }
  })();
  try {
    await action();
  } finally {
    done = true;
    await loop;
  }
  maxRss = Math.max(maxRss, rssOf(daemon.pid));
  return { maxRss, maxPingMs, pings };
}

function report(name: string, figures: ProbeFigures): void {
  process.stdout.write(
    `probe ${name}: max RSS ${(figures.maxRss / 1048576).toFixed(1)} MB, max ping ${figures.maxPingMs.toFixed(1)} ms over ${figures.pings} pings\n`,
  );
}

interface ParkedReport {
  closed: boolean;
  text: string;
}

/**
 * Parks PARKED partial frames from a child process (fixtures/park-frames.mjs), so the pings of this process time
 * the daemon rather than this process writing 300 MB.
 */
async function parkFromChild(mode: 'pipe' | 'ws', target: string) {
  const child = spawn(process.execPath, [parkScript, mode, target, String(PARKED), String(PARKED_FRAME_BYTES)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitUntil(() => out.startsWith('ready\n') || child.exitCode !== null, 120_000, 'the frames parked');
  /** The parked connections as the child sees them now. */
  const report = async (): Promise<ParkedReport[]> => {
    const lines = out.split('\n').length;
    child.stdin.write('report\n');
    await waitUntil(() => out.split('\n').length > lines, 10_000, 'a report');
    return JSON.parse(out.trimEnd().split('\n').at(-1) as string) as ParkedReport[];
  };
  const release = async () => {
    child.stdin.end();
    await exited;
  };
  return { report, release };
}

describe('bounded memory under abuse (real daemon)', () => {
  it('20 partial 15 MB frames parked on the pipe: RSS stays bounded, the over-limit ones are refused', async () => {
    let parked: Awaited<ReturnType<typeof parkFromChild>> | undefined;
    const figures = await probe(async () => {
      parked = await parkFromChild('pipe', daemon.pipe);
    });
    report('parked pipe frames', figures);
    const { report: look, release } = parked as Awaited<ReturnType<typeof parkFromChild>>;
    try {
      expect(figures.maxRss).toBeLessThan(RSS_LIMIT_BYTES);
      expect(figures.maxPingMs).toBeLessThan(STALL_MS);
      // Only one maximal frame fits in the total; the rest got a typed error for their id and were closed.
      let seen: ParkedReport[] = [];
      await waitUntil(
        async () => {
          seen = await look();
          return seen.filter((p) => p.closed && p.text.includes('\n')).length >= PARKED - 1;
        },
        30_000,
        'the extra frames refused',
        200,
      );
      for (const p of seen.filter((c) => c.closed)) {
        const reply = JSON.parse(p.text.split('\n')[0] as string);
        expect(reply.error.json.data.code).toBe('SERVICE_UNAVAILABLE');
        expect(reply.error.json.message).toMatch(/partly received requests/);
      }
      // The daemon still serves everyone else.
      expect(await client.system.ping.query()).toBeDefined();
    } finally {
      await release();
    }
  }, 180_000);

  it('20 partial 15 MB WebSocket messages parked unauthenticated: RSS stays bounded, the extra ones are closed', async () => {
    const info = JSON.parse(fs.readFileSync(resolvePaths(dataDir).httpInfoFile, 'utf8')) as { port: number };
    let parked: Awaited<ReturnType<typeof parkFromChild>> | undefined;
    const figures = await probe(async () => {
      parked = await parkFromChild('ws', String(info.port));
    });
    report('parked WebSocket messages', figures);
    const { report: look, release } = parked as Awaited<ReturnType<typeof parkFromChild>>;
    try {
      expect(figures.maxRss).toBeLessThan(RSS_LIMIT_BYTES);
      expect(figures.maxPingMs).toBeLessThan(STALL_MS);
      let seen: ParkedReport[] = [];
      await waitUntil(
        async () => {
          seen = await look();
          return seen.filter((p) => p.closed).length >= PARKED - 1;
        },
        30_000,
        'the extra ones closed',
        200,
      );
      expect(seen.every((p) => p.text.startsWith('HTTP/1.1 101'))).toBe(true);
      // The close frame says why: code 1013 ("try again later").
      const closedOne = seen.find((p) => p.closed && p.text.length > p.text.indexOf('\r\n\r\n') + 4);
      const frame = Buffer.from((closedOne as ParkedReport).text.split('\r\n\r\n')[1] as string, 'latin1');
      expect(frame[0]).toBe(0x88);
      expect(frame.readUInt16BE(2)).toBe(WS_CLOSE_OVER_BUDGET);
    } finally {
      await release();
    }
  }, 180_000);

  it('a bigint of four million digits is refused early with BAD_REQUEST', async () => {
    let reply = '';
    const figures = await probe(async () => {
      const socket = net.connect(daemon.pipe);
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        reply += chunk;
      });
      const frame = {
        id: 9,
        method: 'mutation',
        params: {
          path: 'config.update',
          input: {
            json: { key: 'worker_count', value: '9'.repeat(4_000_000) },
            meta: { values: { value: ['bigint'] } },
          },
        },
      };
      socket.write(`${JSON.stringify(frame)}\n`);
      try {
        await waitUntil(() => reply.includes('\n'), 20_000, 'a reply to the bigint');
      } finally {
        socket.destroy();
      }
    });
    report('huge bigint', figures);
    expect(JSON.parse(reply.split('\n')[0] as string)).toMatchObject({
      id: 9,
      error: { json: { data: { code: 'BAD_REQUEST' }, message: expect.stringMatching(/bigint of more than/) } },
    });
    expect(figures.maxRss).toBeLessThan(RSS_LIMIT_BYTES);
    expect(figures.maxPingMs).toBeLessThan(STALL_MS);
  }, 120_000);

  it('a catastrophic regex memory search over a hostile chunk answers at once (RE2)', async () => {
    const agent = (await client.agents.list.query())[0] as { id: string };
    await client.memory.create.mutate({ agent_id: agent.id, content: `${'a'.repeat(24)}!` });
    let result: { total_count: number } | undefined;
    const figures = await probe(async () => {
      result = await client.memory.search.query({ agent_id: agent.id, query: '^(a+)+$', search_mode: 'regex' });
    });
    report('catastrophic regex', figures);
    expect(result?.total_count).toBe(0);
    expect(figures.maxRss).toBeLessThan(RSS_LIMIT_BYTES);
    expect(figures.maxPingMs).toBeLessThan(STALL_MS);
  }, 120_000);
});
