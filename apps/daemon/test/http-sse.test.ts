// Subscriptions and agent runs over HTTP as Server-Sent Events, against an in-process daemon on a real port and
// the fake provider: the official tRPC httpSubscriptionLink (EventSource with a bearer token), tracked() ids as
// SSE ids, `POST /api/execute` streaming a run, and a client that disconnects and resumes with Last-Event-ID
// getting every event exactly once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { removeDataDir, tempDataDir } from '@restflow/testkit';
import { createLogger, type RunningDaemon, startDaemon } from '../src/index.ts';
import { httpTrpcClient } from './http-trpc-client.ts';

interface RunEvent {
  run_id: string;
  seq: number;
  kind: { type: string; [field: string]: unknown };
}

interface SseFrame {
  id?: string;
  event?: string;
  data: string;
}

const TERMINAL = ['completed', 'failed', 'cancelled'];
const ANSWER = ['The ', 'quick ', 'brown ', 'fox ', 'jumps ', 'over ', 'the ', 'lazy ', 'dog.'];

let fake: FakeProvider;
let daemon: RunningDaemon;
let pipe: RestflowClient;
let base: string;
let token: string;
let readOnlyToken: string;
let agentId: string;
const dataDir = tempDataDir('rf-sse');

beforeAll(async () => {
  fake = await startFakeProvider();
  daemon = await startDaemon({
    dataDir,
    logger: createLogger(undefined, 'silent'),
    env: { ...process.env, ...fake.env(), ANTHROPIC_API_KEY: 'sk-ant-e2e', OPENAI_API_KEY: '' },
    http: { host: '127.0.0.1', port: 0 },
  });
  base = daemon.status().transports.find((t) => t.kind === 'http')?.address as string;
  pipe = createRestflowClient({ pipePath: daemon.paths.pipe });
  token = (await pipe.tokens.create.mutate({ name: 'sse' })).token;
  readOnlyToken = (await pipe.tokens.create.mutate({ name: 'watcher', read_only: true })).token;
  agentId = (await pipe.agents.create.mutate({ name: 'streamer', agent: { model: 'sonnet' } })).id;
});

afterAll(async () => {
  pipe?.close();
  await daemon?.stop('test over');
  await fake?.close();
  removeDataDir(dataDir);
});

/** Reads SSE frames from a fetch response until `stop` says so or the stream ends; comments are skipped. */
async function readFrames(
  response: Response,
  stop: (frames: SseFrame[]) => boolean = () => false,
): Promise<SseFrame[]> {
  const frames: SseFrame[] = [];
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const frame: SseFrame = { data: '' };
        let isComment = true;
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          isComment = false;
          const colon = line.indexOf(':');
          const field = line.slice(0, colon);
          const text = line.slice(colon + 1).replace(/^ /, '');
          if (field === 'id') frame.id = text;
          else if (field === 'event') frame.event = text;
          else if (field === 'data') frame.data += text;
        }
        if (isComment) continue;
        frames.push(frame);
        if (stop(frames)) return frames;
      }
    }
    return frames;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

const httpClient = (bearer: string) => httpTrpcClient(base, { authorization: `Bearer ${bearer}` });

/** Every event of a run through the tRPC subscription over SSE, until it completes. */
function followOverSse(client: ReturnType<typeof httpClient>, runId: string, lastEventId?: string) {
  return new Promise<{ id: string; data: RunEvent }[]>((resolve, reject) => {
    const seen: { id: string; data: RunEvent }[] = [];
    const sub = client.runs.onEvents.subscribe(
      { run_id: runId, ...(lastEventId ? { lastEventId } : {}) },
      {
        onData: (event) => {
          seen.push(event as unknown as { id: string; data: RunEvent });
          if (TERMINAL.includes((event.data as RunEvent).kind.type)) {
            sub.unsubscribe();
            resolve(seen);
          }
        },
        onError: reject,
        onComplete: () => resolve(seen),
      },
    );
  });
}

describe('the router over HTTP with SSE subscriptions', () => {
  it('streams a run through httpSubscriptionLink with tracked ids, and resumes from a lastEventId', async () => {
    fake.script({ text: ANSWER.join(''), tokenDelayMs: 5 });
    const client = httpClient(token);
    const started = await client.agents.run.mutate({ id: agentId, input: 'tell me about the fox' });
    const all = await followOverSse(client, started.run_id);
    expect(all.map((e) => e.id)).toEqual(all.map((e) => String(e.data.seq)));
    expect(all.map((e) => e.data.seq)).toEqual(all.map((_e, i) => i + 1));
    expect(all.at(-1)?.data.kind.type).toBe('completed');
    // Resuming from the middle yields exactly the rest.
    const middle = Math.floor(all.length / 2);
    const rest = await followOverSse(client, started.run_id, String(middle));
    expect(rest.map((e) => e.data.seq)).toEqual(all.slice(middle).map((e) => e.data.seq));

    // The same stream as raw SSE: `id:` lines carry the seq; Last-Event-ID resumes.
    const input = encodeURIComponent(JSON.stringify({ json: { run_id: started.run_id } }));
    const raw = await fetch(`${base}/trpc/runs.onEvents?input=${input}`, {
      headers: { authorization: `Bearer ${readOnlyToken}`, 'last-event-id': String(all.length - 2) },
    });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toContain('text/event-stream');
    const frames = (await readFrames(raw, (f) => f.some((x) => x.data.includes('"completed"')))).filter((f) => f.id);
    expect(frames.map((f) => f.id)).toEqual([String(all.length - 1), String(all.length)]);
  });

  it('lets a read-only token watch but not start runs, and needs a token for SSE', async () => {
    const watcher = httpClient(readOnlyToken);
    const refused = await watcher.agents.run.mutate({ id: agentId, input: 'no' }).catch((e: unknown) => e);
    expect((refused as { data?: { httpStatus?: number } }).data?.httpStatus).toBe(403);
    const input = encodeURIComponent(JSON.stringify({ json: { run_id: 'whatever' } }));
    expect((await fetch(`${base}/trpc/runs.onEvents?input=${input}`)).status).toBe(401);
  });
});

describe('POST /api/execute', () => {
  const execute = (body: unknown, bearer = token) =>
    fetch(`${base}/api/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
    });

  it('starts a run and streams its events; a client that disconnects resumes with Last-Event-ID, each event exactly once', async () => {
    fake.script({ text: ANSWER.join(''), tokenDelayMs: 40 });
    const response = await execute({ agent_id: agentId, input: 'the fox, slowly' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    // Disconnect after the first three run events.
    const firstPart = await readFrames(response, (f) => f.filter((x) => x.id).length >= 3);
    const started = firstPart[0] as SseFrame;
    expect(started.event).toBe('run');
    expect(started.id).toBeUndefined();
    const run = JSON.parse(started.data) as { run_id: string; session_id: string | null };
    expect(response.headers.get('location')).toBe(`/api/runs/${run.run_id}/events`);
    const before = firstPart.filter((f) => f.id);
    expect(before.map((f) => f.id)).toEqual(['1', '2', '3']);

    const resumed = await fetch(`${base}/api/runs/${run.run_id}/events`, {
      headers: { authorization: `Bearer ${readOnlyToken}`, 'last-event-id': before.at(-1)?.id as string },
    });
    expect(resumed.status).toBe(200);
    const after = (await readFrames(resumed)).filter((f) => f.id);
    const events = [...before, ...after].map((f) => JSON.parse(f.data) as RunEvent);
    // Every event exactly once, in order, ending with the terminal one; the ids are the seqs.
    expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
    expect([...before, ...after].map((f) => f.id)).toEqual(events.map((e) => String(e.seq)));
    expect(events.every((e) => e.run_id === run.run_id)).toBe(true);
    expect(events.at(-1)?.kind.type).toBe('completed');
    const text = events
      .filter((e) => e.kind.type === 'token')
      .map((e) => e.kind.text as string)
      .join('');
    expect(text).toBe(ANSWER.join(''));
    expect(events.at(-1)?.kind.full_content).toBe(ANSWER.join(''));

    // The whole run again from the start (query parameter form), and nothing after the end.
    const replay = await fetch(`${base}/api/runs/${run.run_id.slice(0, 8)}/events?last_event_id=0`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect((await readFrames(replay)).map((f) => f.id)).toEqual(events.map((e) => String(e.seq)));
    const done = await fetch(`${base}/api/runs/${run.run_id}/events`, {
      headers: { authorization: `Bearer ${token}`, 'last-event-id': String(events.length) },
    });
    expect(done.status).toBe(200);
    expect(await readFrames(done)).toEqual([]);
  });

  it('answers bad requests with the router’s errors before streaming', async () => {
    const invalid = await execute({ agent_id: agentId });
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { code: string; field_errors: { path: string }[] };
    expect(body.code).toBe('BAD_REQUEST');
    expect(body.field_errors.map((f) => f.path)).toEqual(['input']);
    expect((await execute({ agent_id: agentId, input: 'x', extra: 1 })).status).toBe(400);
    const unknownAgent = await execute({ agent_id: 'no-such-agent', input: 'hello' });
    expect(unknownAgent.status).toBe(404);
    expect(((await unknownAgent.json()) as { code: string }).code).toBe('NOT_FOUND');
    expect((await execute({ agent_id: agentId, input: 'hello' }, readOnlyToken)).status).toBe(403);
    expect((await execute({ agent_id: agentId, input: 'hello' }, 'rf_wrong')).status).toBe(401);
    const notJson = await fetch(`${base}/api/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(notJson.status).toBe(400);
    // A body that is not declared JSON is refused unread, as on every route (docs/limits.md).
    const plain = await fetch(`${base}/api/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ agent_id: agentId, input: 'hello' }),
    });
    expect(plain.status).toBe(415);
    expect((await fetch(`${base}/api/execute`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(405);
    const missingRun = await fetch(`${base}/api/runs/nope/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(missingRun.status).toBe(404);
    const badCursor = await fetch(`${base}/api/runs/nope/events`, {
      headers: { authorization: `Bearer ${token}`, 'last-event-id': 'x' },
    });
    expect([400, 404]).toContain(badCursor.status);
  });
});
