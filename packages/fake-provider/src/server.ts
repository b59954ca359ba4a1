// A real HTTP server on a free loopback port that answers like OpenAI and Anthropic, from a per-test script,
// and records every request (headers, body, whether the client went away mid-response).
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { anthropicWire } from './anthropic-wire.ts';
import { DEFAULT_FAKE_MODELS, type ModelsApi, modelsApiOf, renderModels } from './models-wire.ts';
import { openaiWire } from './openai-wire.ts';
import { type FakeReply, isErrorReply, isHangReply } from './script.ts';
import type { StreamSink, WireFormat } from './wire.ts';

export type FakeApi = 'openai' | 'anthropic';

export interface RecordedRequest {
  api: FakeApi;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body. */
  body: Record<string, unknown>;
  stream: boolean;
  /** The reply this request consumed. */
  reply: FakeReply;
  /** The client went away before the response was complete (cancelled, timed out, …). */
  aborted: boolean;
  /** The script cut the connection (`dropAfterTokens`). */
  dropped: boolean;
  /** The response was written to the end. */
  completed: boolean;
  startedAt: number;
  endedAt?: number;
}

export interface FakeProviderOptions {
  /** Default: a free port. */
  port?: number;
  /** The reply used when the script is empty. Default: a 400 error saying so (never retried by clients). */
  fallback?: FakeReply;
  /** What `GET /v1/models` lists per format (default DEFAULT_FAKE_MODELS). */
  models?: Partial<Record<ModelsApi, readonly string[]>>;
}

/** A `GET /v1/models` call (kept apart from `requests`: it consumes no scripted reply). */
export interface ModelListRequest {
  api: ModelsApi;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FakeProvider {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Base URL for the OpenAI SDK / OPENAI_BASE_URL (with `/v1`). */
  openaiBaseUrl: string;
  /** Base URL for the Anthropic SDK / ANTHROPIC_BASE_URL (the SDK adds `/v1/messages`). */
  anthropicBaseUrl: string;
  /** Env vars that point every provider at this server, for a daemon spawned by an e2e test. */
  env(): Record<'OPENAI_BASE_URL' | 'ANTHROPIC_BASE_URL' | 'DEEPSEEK_BASE_URL' | 'OPENAI_COMPATIBLE_BASE_URL', string>;
  requests: RecordedRequest[];
  modelRequests: ModelListRequest[];
  /** What `GET /v1/models` lists from now on, or an HTTP error status it answers with. */
  setModels(api: ModelsApi, models: readonly string[] | { error: number; message?: string }): void;
  /** Queues replies; each request takes the next one, whichever API it calls. */
  script(...replies: FakeReply[]): void;
  /**
   * Queues replies for the requests whose JSON body `match` accepts (e.g. by system prompt), taken before the
   * shared script: agents that call at the same time (sub-agents) each get their own replies whatever the order.
   */
  scriptFor(match: (body: Record<string, unknown>) => boolean, ...replies: FakeReply[]): void;
  /** Lets the responses held with `holdUntil: name` go (and any later one holding on that name). */
  release(name: string): void;
  /** Resolves once `count` requests have arrived (answered or not). */
  received(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Replies still queued. */
  pending(): number;
  /** Empties the script and the request log. */
  reset(): void;
  /** The `index`-th request (in arrival order) once it has ended — answered, aborted by the client or dropped. */
  ended(index: number, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

const NO_REPLY: FakeReply = {
  error: 400,
  message: 'fake provider: no scripted reply left for this request (call script() with more replies)',
};

function routeOf(method: string | undefined, path: string): { api: FakeApi; wire: WireFormat } | undefined {
  if (method !== 'POST') return undefined;
  if (path.endsWith('/chat/completions')) return { api: 'openai', wire: openaiWire };
  if (path === '/v1/messages') return { api: 'anthropic', wire: anthropicWire };
  return undefined;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];
  const requestEnded = new EventEmitter();
  requestEnded.setMaxListeners(0);
  const routed: { match: (body: Record<string, unknown>) => boolean; queue: FakeReply[] }[] = [];
  const released = new Set<string>();
  const gates = new EventEmitter();
  gates.setMaxListeners(0);
  const held = (name: string) =>
    released.has(name) ? Promise.resolve() : new Promise<void>((resolve) => gates.once(name, () => resolve()));
  const nextReply = (body: Record<string, unknown>): FakeReply | undefined => {
    for (const route of routed) if (route.queue.length > 0 && route.match(body)) return route.queue.shift();
    return queue.shift();
  };
  /** Resolves once the log satisfies `done`, re-checked after each arrival or end. */
  const whenLog = <T>(done: () => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = done();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake provider: ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        requestEnded.off('ended', check);
        requestEnded.off('arrived', check);
      };
      requestEnded.on('ended', check);
      requestEnded.on('arrived', check);
      check();
    });
  const modelRequests: ModelListRequest[] = [];
  const models: Record<ModelsApi, readonly string[] | { error: number; message?: string }> = {
    openai: options.models?.openai ?? DEFAULT_FAKE_MODELS.openai,
    anthropic: options.models?.anthropic ?? DEFAULT_FAKE_MODELS.anthropic,
  };

  function listModels(req: IncomingMessage, res: ServerResponse, url: URL) {
    const api = modelsApiOf(req.headers);
    modelRequests.push({ api, path: url.pathname, headers: req.headers });
    const listed = models[api];
    if ('error' in listed) {
      const wire = api === 'anthropic' ? anthropicWire : openaiWire;
      const rendered = wire.error(listed.error, listed.message, req.headers);
      res.writeHead(rendered.status, { 'content-type': 'application/json', ...rendered.headers });
      res.end(JSON.stringify(rendered.body));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(renderModels(api, listed, url.searchParams)));
  }
  let ids = 0;
  const nextId = () => ++ids;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method === 'GET' && path.endsWith('/models')) return listModels(req, res, url);
    const route = routeOf(req.method, path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { message: `fake provider: no route ${req.method} ${path}`, type: 'not_found' } }),
      );
      return;
    }
    const body = await readJson(req);
    if (!body) {
      const bad = route.wire.error(400, 'fake provider: the body is not a JSON object', req.headers);
      res.writeHead(bad.status, { 'content-type': 'application/json', ...bad.headers });
      res.end(JSON.stringify(bad.body));
      return;
    }
    const reply = nextReply(body) ?? options.fallback ?? NO_REPLY;
    const record: RecordedRequest = {
      api: route.api,
      method: req.method ?? 'POST',
      path,
      headers: req.headers,
      body,
      stream: body.stream === true,
      reply,
      aborted: false,
      dropped: false,
      completed: false,
      startedAt: Date.now(),
    };
    requests.push(record);
    requestEnded.emit('arrived');
    res.on('close', () => {
      record.endedAt = Date.now();
      record.completed = res.writableFinished && !record.dropped;
      if (!res.writableFinished && !record.dropped) record.aborted = true;
      requestEnded.emit('ended');
    });
    const gone = () => res.destroyed || res.writableEnded;

    if (reply.delayMs) await sleep(reply.delayMs);
    if ('holdUntil' in reply && reply.holdUntil) await Promise.race([held(reply.holdUntil), once(res, 'close')]);
    if (gone()) return;
    if (isErrorReply(reply)) {
      const rendered = route.wire.error(reply.error, reply.message, req.headers);
      const retryAfter = reply.retryAfter === undefined ? {} : { 'retry-after': String(reply.retryAfter) };
      res.writeHead(rendered.status, { 'content-type': 'application/json', ...rendered.headers, ...retryAfter });
      res.end(JSON.stringify(rendered.body));
      return;
    }
    if (isHangReply(reply)) {
      res.writeHead(200, record.stream ? SSE_HEADERS : { 'content-type': 'application/json' });
      res.flushHeaders();
      return; // nothing more until the client aborts (recorded by the close listener)
    }
    const ctx = { body, answer: reply, nextId };
    if (!record.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(route.wire.json(ctx)));
      return;
    }
    res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();
    let deltas = 0;
    const sink: StreamSink = {
      write: (frame) => {
        if (gone()) return false;
        res.write(frame);
        return true;
      },
      pause: async () => {
        if (reply.tokenDelayMs) await sleep(reply.tokenDelayMs);
      },
      shouldDrop: () => reply.dropAfterTokens !== undefined && deltas++ >= reply.dropAfterTokens,
      drop: () => {
        record.dropped = true;
        res.destroy();
      },
    };
    await route.wire.stream(ctx, sink);
    if (!gone()) res.end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake provider failed: ${String(error)}`, type: 'server_error' } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    env: () => ({
      OPENAI_BASE_URL: `${url}/v1`,
      ANTHROPIC_BASE_URL: url,
      DEEPSEEK_BASE_URL: `${url}/v1`,
      OPENAI_COMPATIBLE_BASE_URL: `${url}/v1`,
    }),
    requests,
    modelRequests,
    setModels: (api, list) => {
      models[api] = list;
    },
    script: (...replies) => {
      queue.push(...replies);
    },
    scriptFor: (match, ...replies) => {
      routed.push({ match, queue: [...replies] });
    },
    release: (name) => {
      released.add(name);
      gates.emit(name);
    },
    received: (count, timeoutMs = 5000) =>
      whenLog(
        () => (requests.length >= count ? requests.slice(0, count) : undefined),
        timeoutMs,
        `${count} requests had not arrived (${requests.length} did)`,
      ),
    pending: () => queue.length + routed.reduce((sum, route) => sum + route.queue.length, 0),
    ended: (index, timeoutMs = 5000) =>
      whenLog(
        () => (requests[index]?.endedAt === undefined ? undefined : requests[index]),
        timeoutMs,
        `request ${index} had not ended`,
      ),
    reset: () => {
      queue.length = 0;
      routed.length = 0;
      released.clear();
      requests.length = 0;
      modelRequests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
