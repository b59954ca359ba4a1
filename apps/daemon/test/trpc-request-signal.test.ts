// The bundles' tRPC WebSocket handler makes an AbortController for subscriptions only (scripts/trpc-request-signal.mjs):
// a query or mutation gets no signal, a subscription still gets one that `subscription.stop` aborts; and its
// subscriptions wait for each event without Unpromise (scripts/trpc-subscription-race.mjs). Checked on tRPC's own
// handler module, patched as the bundles patch it and driven as the pipe mount drives it.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { createRequire, Module } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { waitUntil } from '@restflow/testkit';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const patch = (await import(pathToFileURL(require.resolve('../../../scripts/trpc-request-signal.mjs')).href)) as {
  withSubscriptionSignalsOnly(source: string): string;
};
const race = (await import(pathToFileURL(require.resolve('../../../scripts/trpc-subscription-race.mjs')).href)) as {
  withPlainEventWait(source: string): string;
};
const { trpcBundlePatches } = (await import(
  pathToFileURL(require.resolve('../../../scripts/trpc-bundle-patches.mjs')).href
)) as { trpcBundlePatches: esbuild.Plugin };

const dist = path.dirname(require.resolve('@trpc/server/adapters/ws'));
const handlerFile = (ext: 'cjs' | 'mjs') => {
  const entry = fs.readFileSync(path.join(dist, `ws.${ext}`), 'utf8');
  const name = /["']\.\.\/(ws-[^"']+\.[cm]js)["']/.exec(entry)?.[1];
  if (!name) throw new Error(`tRPC's ws adapter (${ext}) names no handler module`);
  return path.join(dist, '..', name);
};

type Handler = (client: unknown, req: unknown) => void;
/** tRPC's handler module (its CommonJS build, beside its own chunks), as given or patched. */
function handlerModule(patched: boolean): { getWSConnectionHandler(opts: unknown): Handler } {
  const file = handlerFile('cjs');
  const source = fs.readFileSync(file, 'utf8');
  const loaded = new Module(file) as Module & { _compile(code: string, filename: string): void; paths: string[] };
  loaded.filename = file;
  loaded.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    path.dirname(file),
  );
  loaded._compile(patched ? race.withPlainEventWait(patch.withSubscriptionSignalsOnly(source)) : source, file);
  return loaded.exports as never;
}

/** The signals the procedures saw, and the frames the handler wrote. */
async function drive(patched: boolean) {
  const { initTRPC } = require('@trpc/server') as typeof import('@trpc/server');
  const t = initTRPC.create();
  const seen: Record<string, AbortSignal | undefined> = {};
  let subscriptionAborted = false;
  let manyEnded = false;
  const router = t.router({
    read: t.procedure.query(({ signal }) => {
      seen.query = signal;
      return 'read';
    }),
    write: t.procedure.mutation(({ signal }) => {
      seen.mutation = signal;
      return 'written';
    }),
    feed: t.procedure.subscription(async function* ({ signal }) {
      seen.subscription = signal;
      yield 1;
      await new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }));
      subscriptionAborted = true;
    }),
    many: t.procedure.subscription(async function* ({ signal }) {
      try {
        for (let i = 1; i <= 200; i++) yield i;
        await new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }));
      } finally {
        manyEnded = true;
      }
    }),
    broken: t.procedure.subscription(async function* () {
      yield 1;
      throw new Error('the feed broke');
    }),
  });
  const frames: { id: number; result?: { type: string; data?: unknown }; error?: { message: string } }[] = [];
  const client = Object.assign(new EventEmitter(), {
    readyState: 1,
    send: (data: string) => frames.push(JSON.parse(data)),
    close: () => {},
  });
  handlerModule(patched).getWSConnectionHandler({ router, wss: undefined, createContext: () => ({}) })(client, {
    url: '/',
    headers: { host: 'localhost' },
  });
  const send = (message: object) => client.emit('message', Buffer.from(JSON.stringify(message)), false);
  send({ id: 1, method: 'query', params: { path: 'read' } });
  send({ id: 2, method: 'mutation', params: { path: 'write' } });
  send({ id: 3, method: 'subscription', params: { path: 'feed' } });
  await waitUntil(() => frames.some((f) => f.id === 3 && f.result?.type === 'data'), 2000, 'the first event');
  send({ id: 3, method: 'subscription.stop' });
  await waitUntil(() => subscriptionAborted, 2000, 'the subscription to see its abort');
  // Many events in order, then a stop that ends the generator waiting for its next one.
  send({ id: 4, method: 'subscription', params: { path: 'many' } });
  const many = () => frames.filter((f) => f.id === 4 && f.result?.type === 'data').map((f) => f.result?.data);
  await waitUntil(() => many().length === 200, 2000, 'two hundred events');
  send({ id: 4, method: 'subscription.stop' });
  await waitUntil(() => manyEnded, 2000, 'the generator to end on stop');
  // A generator that throws: its error is the subscription's answer.
  send({ id: 5, method: 'subscription', params: { path: 'broken' } });
  await waitUntil(() => frames.some((f) => f.id === 5 && 'error' in f), 2000, 'the broken feed’s error');
  return { seen, frames, many: many() };
}

describe("tRPC's WebSocket handler as bundled", () => {
  it('gives queries and mutations no signal, a subscription one that subscription.stop aborts, and its events in order', async () => {
    const { seen, frames, many } = await drive(true);
    expect(many).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(frames.find((f) => f.id === 5 && f.error)?.error?.message).toBe('the feed broke');
    expect(frames.filter((f) => f.id === 5 && f.result?.type === 'data').map((f) => f.result?.data)).toEqual([1]);
    expect(seen.query).toBeUndefined();
    expect(seen.mutation).toBeUndefined();
    expect(seen.subscription).toBeInstanceOf(AbortSignal);
    expect(seen.subscription?.aborted).toBe(true);
    expect(frames.find((f) => f.id === 1)?.result).toEqual({ type: 'data', data: 'read' });
    expect(frames.find((f) => f.id === 2)?.result).toEqual({ type: 'data', data: 'written' });
  });

  it('is what changes: tRPC as published gives every request a signal of its own', async () => {
    const { seen } = await drive(false);
    expect(seen.query).toBeInstanceOf(AbortSignal);
    expect(seen.mutation).toBeInstanceOf(AbortSignal);
  });

  it("patches both of tRPC's builds (both transforms), and fails the build when the handler is not written as expected", () => {
    for (const ext of ['cjs', 'mjs'] as const) {
      const source = fs.readFileSync(handlerFile(ext), 'utf8');
      const patched = patch.withSubscriptionSignalsOnly(source);
      expect(patched).not.toBe(source);
      expect(patched.match(/new AbortController\(\)/g)).toHaveLength(2);
      expect(patched).toContain('type === "subscription" ? new AbortController() : null');
    }
    const changed = 'function getWSConnectionHandler(opts) { const controller = new AbortController(); }';
    expect(() => patch.withSubscriptionSignalsOnly(changed)).toThrow(/check it against this tRPC/);
    expect(patch.withSubscriptionSignalsOnly('export const x = 1;')).toBe('export const x = 1;');
    for (const ext of ['cjs', 'mjs'] as const) {
      const patched = race.withPlainEventWait(fs.readFileSync(handlerFile(ext), 'utf8'));
      expect(patched).not.toMatch(/Unpromise\.race\(\[iterator/);
      expect(patched).toContain('abortWaiter = resolve');
    }
    expect(() => race.withPlainEventWait(changed)).toThrow(/check it against this tRPC/);
  });

  it('is in a bundle of the WebSocket adapter, and a bundle where the handler cannot be found fails', async () => {
    const bundle = (plugins: esbuild.Plugin[]) =>
      esbuild.build({
        stdin: {
          contents: "export { getWSConnectionHandler } from '@trpc/server/adapters/ws';",
          resolveDir: path.dirname(require.resolve('../../../package.json')),
        },
        bundle: true,
        platform: 'node',
        format: 'cjs',
        write: false,
        logLevel: 'silent',
        plugins,
      });
    const built = await bundle([trpcBundlePatches]);
    expect(built.outputFiles[0]?.text).toContain('type === "subscription" ? new AbortController() : null');
    // A tRPC whose handler is named otherwise: the transform finds nothing, and the build says so.
    const renamed: esbuild.Plugin = {
      name: 'renamed-handler',
      setup(b) {
        b.onLoad({ filter: /[\\/]ws-[^\\/]+\.(mjs|cjs)$/ }, (args) => ({
          contents: fs.readFileSync(args.path, 'utf8').replaceAll('getWSConnectionHandler', 'connectionHandler'),
          loader: 'js',
        }));
      },
    };
    await expect(bundle([renamed, trpcBundlePatches])).rejects.toThrow(/found no WebSocket connection handler/);
  });
});
