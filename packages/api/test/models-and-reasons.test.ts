// Over the real pipe: models.list against the fake provider, and the machine-readable reasons (NO_MODEL,
// NO_API_KEY, MODEL_RETIRED …) that let clients offer the fix instead of parsing messages.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '@restflow/core';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { createTestServices, fakeDaemonControl, type TestServices } from '@restflow/testkit';
import { createRestflowClient, type RestflowClient, TRPCClientError } from '../src/client/index.ts';
import { createContextFactory } from '../src/context.ts';
import { appRouter } from '../src/root.ts';
import { type PipeServer, servePipe } from '../src/server/pipe-server.ts';

let dir: string;
let server: PipeServer;
let client: RestflowClient;
let fake: FakeProvider;
let services: TestServices;

beforeAll(async () => {
  fake = await startFakeProvider();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-models-'));
  // The day this version shipped: claude-opus-4-1 has retired, claude-opus-4-5 only retires in January.
  const clock = new ManualClock(Date.parse('2026-12-04T12:00:00Z'));
  services = createTestServices({ clock, env: { OPENAI_BASE_URL: fake.openaiBaseUrl, ANTHROPIC_BASE_URL: fake.url } });
  const createContext = createContextFactory(services, fakeDaemonControl());
  server = await servePipe({
    router: appRouter,
    path: path.join(dir, 'p.sock'),
    createContext: () => createContext('pipe'),
  });
  client = createRestflowClient({ pipePath: server.path });
});

afterAll(async () => {
  client.close();
  await server.close();
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function wireError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  const data = (error as TRPCClientError<never>).data as unknown as {
    code: string;
    reason: string | null;
    details: unknown;
  };
  return { code: data.code, reason: data.reason, details: data.details, message: (error as Error).message };
}

describe('models.list', () => {
  it('shows the catalogue without keys, the provider’s live list once a key exists', async () => {
    const before = await client.models.list.query({ provider: 'openai' });
    expect(before).toEqual([
      expect.objectContaining({ provider: 'openai', configured: false, source: 'catalogue', fetched_at: null }),
    ]);
    await client.secrets.set.mutate({ key: 'OPENAI_API_KEY', value: 'sk-live-list' });
    const [after] = await client.models.list.query({ provider: 'openai' });
    expect(after).toMatchObject({ configured: true, source: 'live', key_source: 'secret OPENAI_API_KEY' });
    expect(after?.models.map((m) => m.id)).toEqual(['gpt-5.4', 'gpt-5-mini', 'openai:fake-local-llm']);
    expect(JSON.stringify(after)).not.toContain('sk-live-list');
    // Every provider: configured ones first, retired models left out.
    const all = await client.models.list.query();
    expect(all.map((l) => l.provider)).toEqual(['openai', 'anthropic', 'deepseek', 'openai_compatible']);
    expect(all.flatMap((l) => l.models).some((m) => m.id === 'claude-sonnet-4-5')).toBe(false);
    const bad = await wireError(client.models.list.query({ provider: 'mistral' as never }));
    expect(bad.code).toBe('BAD_REQUEST');
  });

  it('names aliases and retired models with their replacements', async () => {
    const { aliases, retirements } = await client.models.aliases.query();
    expect(aliases).toContainEqual({ alias: 'sonnet', model: 'claude-sonnet-5-5' });
    expect(retirements).toContainEqual(
      expect.objectContaining({
        model: 'claude-sonnet-4-5',
        retires_on: '2026-11-30',
        replacement: 'claude-sonnet-5-5',
      }),
    );
  });
});

describe('error reasons on the wire', () => {
  it('NO_MODEL and NO_API_KEY carry their facts; other errors carry null', async () => {
    const bare = await client.agents.create.mutate({ name: 'bare', agent: {} });
    expect(await wireError(client.chat.send.mutate({ agent_id: bare.id, content: 'hi' }))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      reason: 'NO_MODEL',
      details: { agent_id: bare.id, agent_name: 'bare' },
    });
    const claude = await client.agents.create.mutate({ name: 'claude', agent: { model: 'haiku' } });
    const noKey = await wireError(client.chat.send.mutate({ agent_id: claude.id, content: 'hi' }));
    expect(noKey).toMatchObject({
      reason: 'NO_API_KEY',
      details: { provider: 'anthropic', key_name: 'ANTHROPIC_API_KEY' },
    });
    expect(noKey.message).not.toMatch(/restflow /);
    // A failed first send leaves no empty session behind.
    expect(await client.sessions.list.query()).toEqual([]);
    expect(await wireError(client.agents.get.query({ id: 'nope' }))).toMatchObject({ code: 'NOT_FOUND', reason: null });
  });

  it('a retired model is refused when stored, and a stored one fails with MODEL_RETIRED naming its replacement', async () => {
    const refused = await wireError(client.agents.create.mutate({ name: 'old', agent: { model: 'claude-opus-4-1' } }));
    expect(refused.code).toBe('BAD_REQUEST');
    expect(refused.message).toMatch(/claude-opus-4-1 was retired by its provider on 2026-08-07; use claude-opus-5-5/);
    // Stored before it retired (written by an older version): the run names the replacement.
    const stored = services.agents.create('legacy', { model: 'claude-opus-4-1' });
    expect(await wireError(client.chat.send.mutate({ agent_id: stored.id, content: 'hi' }))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      reason: 'MODEL_RETIRED',
      details: { model: 'claude-opus-4-1', retired_on: '2026-08-07', replacement: 'claude-opus-5-5' },
    });
  });
});
