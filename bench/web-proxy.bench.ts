// Added latency of server+daemon mode: the console's WebSocket and the router over plain HTTP (a bearer token's
// client) through `restflow web serve` (its own process, relaying to the daemon over the named pipe) against the
// same clients straight to the daemon's listener, in the same run, rounds alternating. Sequential `system.ping`
// round trips, as a page's or a script's single calls are.
// Run: npm run bench:web-proxy [-- --calls N --rounds N]
import { type ChildProcess, spawn } from 'node:child_process';
import type { AppRouter } from '@restflow/api';
import { createRestflowClient } from '@restflow/api/client';
import { cliBin, removeDataDir, startTestDaemon, tempDataDir } from '@restflow/testkit';
import { createTRPCClient, createWSClient, httpLink, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { WebSocket } from 'ws';
import { CLI_BUNDLE, DAEMON_BUNDLE, exitUnlessBundled } from './bundles.ts';
import { recordFigures } from './record.ts';

exitUnlessBundled(DAEMON_BUNDLE, CLI_BUNDLE);

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const WARMUP = 300;
const CALLS = arg('calls', 2000);
const ROUNDS = arg('rounds', 3);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

function consoleClient(origin: string, cookie: string) {
  const { host } = new URL(origin);
  const wsClient = createWSClient({
    url: `ws://${host}/trpc`,
    WebSocket: class extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols, { headers: { origin: `http://${host}`, cookie } });
      }
    } as unknown as typeof globalThis.WebSocket,
  });
  return {
    client: createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] }),
    close: () => wsClient.close(),
  };
}

function httpClient(origin: string, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  return {
    client: createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${origin}/trpc`, transformer: superjson, headers: () => headers })],
    }),
    close: () => {},
  };
}

function startWebServe(dataDir: string): Promise<{ child: ChildProcess; url: string; signIn: string }> {
  const child = spawn(process.execPath, [cliBin, 'web', 'serve', '-p', '0', '--format', 'json'], {
    env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (d) => {
      text += d;
      try {
        const info = JSON.parse(text) as { url: string; sign_in_url: string };
        resolve({ child, url: info.url, signIn: info.sign_in_url });
      } catch {
        // not complete yet
      }
    });
    child.once('exit', (code) => reject(new Error(`web serve exited ${code}`)));
  });
}

const cookieFor = (signInUrl: string) => {
  const url = new URL(signInUrl);
  return `restflow_console_${url.port}=${url.searchParams.get('token')}`;
};

const dataDir = tempDataDir('rf-bench-web');
const daemon = await startTestDaemon(dataDir);
const pipe = createRestflowClient({ dataDir });
const web = await startWebServe(dataDir);
const daemonSignIn = (await pipe.system.consoleUrl.query()).url as string;
const direct = consoleClient(new URL(daemonSignIn).origin, cookieFor(daemonSignIn));
const proxied = consoleClient(web.url, cookieFor(web.signIn));
const token = (await pipe.tokens.create.mutate({ name: 'bench' })).token;
const paths = {
  'ws direct': direct,
  'ws web serve': proxied,
  'http direct': httpClient(new URL(daemonSignIn).origin, token),
  'http web serve': httpClient(web.url, token),
} as const;
type PathName = keyof typeof paths;
const all = Object.fromEntries(Object.keys(paths).map((name) => [name, [] as number[]])) as Record<PathName, number[]>;
try {
  for (const { client } of Object.values(paths)) for (let i = 0; i < WARMUP; i++) await client.system.ping.query();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, { client }] of Object.entries(paths) as [PathName, typeof direct][]) {
      const samples: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const t = performance.now();
        await client.system.ping.query();
        samples.push(performance.now() - t);
      }
      all[name].push(...samples);
      samples.sort((a, b) => a - b);
      console.log(
        `round ${round} ${name.padEnd(14)}: ${CALLS} pings  p50 ${percentile(samples, 0.5).toFixed(3)} ms  p95 ${percentile(samples, 0.95).toFixed(3)} ms  p99 ${percentile(samples, 0.99).toFixed(3)} ms`,
      );
    }
  }
  const summary = Object.fromEntries(
    Object.entries(all).map(([name, samples]) => {
      samples.sort((a, b) => a - b);
      return [name, { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95), p99: percentile(samples, 0.99) }];
    }),
  ) as Record<PathName, { p50: number; p95: number; p99: number }>;
  recordFigures(
    'web-proxy',
    (['ws', 'http'] as const).map((kind) => ({
      what: `system.ping p50 through web serve (${kind})`,
      value: summary[`${kind} web serve`].p50,
      unit: 'ms',
      baseline: { what: 'straight to the daemon', value: summary[`${kind} direct`].p50 },
    })),
  );
  for (const kind of ['ws', 'http'] as const) {
    const base = summary[`${kind} direct`];
    const hop = summary[`${kind} web serve`];
    console.log(
      `all rounds, ${kind}: direct p50 ${base.p50.toFixed(3)} / p95 ${base.p95.toFixed(3)} ms; ` +
        `web serve p50 ${hop.p50.toFixed(3)} / p95 ${hop.p95.toFixed(3)} / p99 ${hop.p99.toFixed(3)} ms; ` +
        `added p50 ${(hop.p50 - base.p50).toFixed(3)} ms, p95 ${(hop.p95 - base.p95).toFixed(3)} ms`,
    );
  }
} finally {
  direct.close();
  proxied.close();
  pipe.close();
  web.child.kill('SIGTERM');
  await new Promise((resolve) => web.child.once('exit', resolve));
  await daemon.stop();
  removeDataDir(dataDir);
}
