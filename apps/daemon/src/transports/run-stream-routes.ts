// Agent runs as Server-Sent Events for any HTTP client (curl, a script in another language):
// - `POST /api/execute` `{agent_id, input, session_id?}` starts a run (the router's `agents.run`) and streams
//   its events;
// - `GET /api/runs/:id/events` streams a run's events, resuming after `Last-Event-ID` (or `?last_event_id=`).
// Both replay through `runs.onEvents`, so every event arrives exactly once across reconnects: each carries the
// run's seq as its SSE `id:`. No second implementation of running or streaming: the router is called as the
// request's caller, so the same rules (read-only tokens, validation) apply.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiContext, type AppRouter, type Caller, createCallerFactory } from '@restflow/api';
import { getTRPCErrorFromUnknown, isTrackedEnvelope } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { HttpAuthenticator } from './http-auth.ts';
import { MAX_BODY_BYTES } from './http-server.ts';

export interface RunStreamOptions {
  router: AppRouter;
  auth: HttpAuthenticator;
  createContext: (caller: Caller) => ApiContext;
  /** Comment lines keep idle streams open through proxies; tests shorten it. */
  keepAliveMs?: number;
  onError?: (error: unknown) => void;
}

export const RUN_EVENTS_PATH = /^\/api\/runs\/([^/]+)\/events$/;

interface ErrorBody {
  error: string;
  code: string;
  field_errors?: { path: string; message: string }[];
}

function sendJson(res: ServerResponse, status: number, body: ErrorBody, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, cause: unknown): void {
  const error = getTRPCErrorFromUnknown(cause);
  const status = getHTTPStatusCodeFromError(error);
  const issues = (error.cause as { issues?: { path: PropertyKey[] | string; message: string }[] } | undefined)?.issues;
  const body: ErrorBody = { error: status === 500 ? 'internal error' : error.message, code: error.code };
  if (issues?.length) {
    body.field_errors = issues.map((i) => ({
      path: Array.isArray(i.path) ? i.path.map(String).join('.') || '(body)' : String(i.path),
      message: i.message,
    }));
  }
  sendJson(res, status, body);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text.length === 0 ? undefined : JSON.parse(text);
  } catch {
    throw Object.assign(new Error('invalid JSON body'), { status: 400 });
  }
}

/** One SSE frame; `data` is one JSON line, so no newline can split it. */
function frame(data: unknown, id?: string, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}${id ? `id: ${id}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

export function createRunStreamHandlers(options: RunStreamOptions) {
  const callerFactory = createCallerFactory(options.router);
  const keepAliveMs = options.keepAliveMs ?? 15_000;

  const authenticate = (req: IncomingMessage, res: ServerResponse): Caller | undefined => {
    const verdict = options.auth.authenticate({
      method: (req.method ?? 'GET').toUpperCase(),
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress,
      port: req.socket.localPort ?? 0,
    });
    if (verdict.ok) return verdict.caller;
    sendJson(res, verdict.status, { error: verdict.error, code: String(verdict.status) }, verdict.headers);
    return undefined;
  };

  /** Streams `runs.onEvents` until the run ends or the client goes away. */
  const stream = async (
    res: ServerResponse,
    api: ReturnType<typeof callerFactory>,
    runId: string,
    lastEventId: string | undefined,
    abort: AbortController,
    started?: unknown,
  ) => {
    // Errors found before the first event (unknown run, bad cursor) still get a plain HTTP status.
    const events = await api.runs.onEvents({ run_id: runId, lastEventId: lastEventId ?? null });
    const iterator = events[Symbol.asyncIterator]();
    let first: IteratorResult<unknown> | undefined;
    let failure: unknown;
    try {
      first = await iterator.next();
    } catch (error) {
      if (started === undefined) return sendError(res, error);
      failure = error;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
      // Tells a proxy (nginx) not to buffer the stream.
      'x-accel-buffering': 'no',
      ...(started === undefined ? {} : { location: `/api/runs/${runId}/events` }),
    });
    res.flushHeaders();
    if (started !== undefined) res.write(frame(started, undefined, 'run'));
    const ping = setInterval(() => res.write(': ping\n\n'), keepAliveMs);
    try {
      // The run started but its stream failed at once: the client still learns the run id, then why.
      if (failure !== undefined) throw failure;
      let next = first as IteratorResult<unknown>;
      while (!next.done && !abort.signal.aborted) {
        const value = next.value;
        if (isTrackedEnvelope(value)) res.write(frame(value[1], value[0]));
        else res.write(frame(value));
        next = await iterator.next();
      }
    } catch (error) {
      if (!abort.signal.aborted) {
        const trpc = getTRPCErrorFromUnknown(error);
        res.write(
          frame(
            { error: trpc.code === 'INTERNAL_SERVER_ERROR' ? 'internal error' : trpc.message, code: trpc.code },
            undefined,
            'error',
          ),
        );
        options.onError?.(error);
      }
    } finally {
      clearInterval(ping);
      await iterator.return?.(undefined);
      res.end();
    }
  };

  /** Per request: the caller's router, aborted (stopping the subscription) when the client disconnects. */
  const begin = (res: ServerResponse, caller: Caller) => {
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    const api = callerFactory(options.createContext(caller), { signal: abort.signal });
    return { api, abort };
  };

  const execute = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST')
      return sendJson(res, 405, { error: 'method not allowed', code: 'METHOD_NOT_SUPPORTED' }, { allow: 'POST' });
    const caller = authenticate(req, res);
    if (!caller) return;
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      const status = (error as { status?: number }).status ?? 400;
      return sendJson(res, status, {
        error: (error as Error).message,
        code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST',
      });
    }
    // The API's schemas load with the first request that needs them, not with the daemon (packages/api/src/root.ts).
    const { executeRequestSchema } = await import('@restflow/api/schemas');
    const parsed = executeRequestSchema.safeParse(body ?? {});
    if (!parsed.success) {
      const field_errors = parsed.error.issues.map((i) => ({
        path: i.path.map(String).join('.') || '(body)',
        message: i.message,
      }));
      return sendJson(res, 400, {
        error: `Invalid input: ${field_errors.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
        code: 'BAD_REQUEST',
        field_errors,
      });
    }
    const { api, abort } = begin(res, caller);
    try {
      const started = await api.agents.run({
        id: parsed.data.agent_id,
        input: parsed.data.input,
        session_id: parsed.data.session_id,
      });
      await stream(res, api, started.run_id, undefined, abort, started);
    } catch (error) {
      if (!res.headersSent) sendError(res, error);
      else res.end();
    }
  };

  const events = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'GET')
      return sendJson(res, 405, { error: 'method not allowed', code: 'METHOD_NOT_SUPPORTED' }, { allow: 'GET' });
    const caller = authenticate(req, res);
    if (!caller) return;
    const runId = decodeURIComponent(RUN_EVENTS_PATH.exec(url.pathname)?.[1] ?? '');
    const header = req.headers['last-event-id'];
    const lastEventId =
      (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('last_event_id') ?? undefined;
    const { api, abort } = begin(res, caller);
    try {
      await stream(res, api, runId, lastEventId, abort);
    } catch (error) {
      if (!res.headersSent) sendError(res, error);
      else res.end();
    }
  };

  return { execute, events };
}
