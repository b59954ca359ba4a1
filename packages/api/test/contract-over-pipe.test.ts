// Every domain through a real client over the real pipe transport: happy path plus the typed error contract
// (NOT_FOUND / BAD_REQUEST naming the field / CONFLICT) as a remote caller sees it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestServices, fakeDaemonControl } from '@restflow/testkit';
import { createRestflowClient, type RestflowClient, TRPCClientError } from '../src/client/index.ts';
import { createContextFactory } from '../src/context.ts';
import { appRouter } from '../src/root.ts';
import { type PipeServer, servePipe } from '../src/server/pipe-server.ts';

let dir: string;
let server: PipeServer;
let client: RestflowClient;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-contract-'));
  const services = createTestServices();
  services.agents.seedDefault();
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
  fs.rmSync(dir, { recursive: true, force: true });
});

interface WireError {
  code: string | undefined;
  message: string;
  fields: string[];
}

async function wireError(promise: Promise<unknown>): Promise<WireError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<never>).data as
      | { code?: string; fieldErrors?: { path: string }[] | null; stack?: unknown }
      | undefined;
    // Stack traces never cross the wire.
    expect(data?.stack).toBeUndefined();
    return {
      code: data?.code,
      message: (error as Error).message,
      fields: (data?.fieldErrors ?? []).map((f) => f.path),
    };
  }
  throw new Error('expected the call to fail');
}

describe('the router over the pipe: typed errors reach remote clients', () => {
  it('agents and config', async () => {
    const agent = await client.agents.create.mutate({ name: 'contract', agent: { model: 'gpt-5' } });
    expect((await client.agents.get.query({ id: agent.id.slice(0, 8) })).name).toBe('contract');
    expect(await wireError(client.agents.get.query({ id: 'missing' }))).toMatchObject({ code: 'NOT_FOUND' });
    const bad = await wireError(client.agents.create.mutate({ name: 'x', agent: { temperature: 9 } }));
    expect(bad).toMatchObject({ code: 'BAD_REQUEST', fields: ['agent.temperature'] });
    expect(await wireError(client.config.update.mutate({ key: 'nope', value: 1 }))).toMatchObject({
      code: 'BAD_REQUEST',
      fields: ['key'],
    });
  });

  it('skills', async () => {
    const skill = await client.skills.create.mutate({ id: 'contract-skill', name: 'Contract', content: '# Hi' });
    expect(skill.id).toBe('contract-skill');
    const exported = await client.skills.export.query({ id: 'contract-skill' });
    expect(exported.markdown).toContain('name: Contract');
    expect(await wireError(client.skills.create.mutate({ id: 'contract-skill', name: 'Again' }))).toMatchObject({
      code: 'CONFLICT',
    });
    expect(await wireError(client.skills.create.mutate({ id: '-bad-', name: 'x' }))).toMatchObject({
      code: 'BAD_REQUEST',
      fields: ['id'],
    });
    expect(await wireError(client.skills.get.query({ id: 'nope' }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('tasks', async () => {
    const [agent] = await client.agents.list.query();
    const task = await client.tasks.create.mutate({
      name: 'daily',
      agent_id: agent?.id as string,
      schedule: { type: 'cron', expression: '0 0 9 * * *', timezone: 'Asia/Shanghai' },
    });
    expect(new Date(task.next_run_at as number).getUTCHours()).toBe(1);
    const badCron = await wireError(
      client.tasks.create.mutate({
        name: 'x',
        agent_id: agent?.id as string,
        schedule: { type: 'cron', expression: 'not a cron', timezone: null },
      }),
    );
    expect(badCron).toMatchObject({ code: 'BAD_REQUEST', fields: ['schedule.expression'] });
    expect(await wireError(client.tasks.get.query({ id: 'nope' }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('chat sessions and memory', async () => {
    const session = await client.sessions.create.mutate({});
    const updated = await client.sessions.messages.create.mutate({
      session_id: session.id,
      role: 'user',
      content: 'Hello there',
    });
    expect(updated.name).toBe('Hello there');
    expect(await wireError(client.sessions.get.query({ id: 'nope' }))).toMatchObject({ code: 'NOT_FOUND' });

    const chunk = await client.memory.create.mutate({ content: 'The contract test remembers pipes.', tags: ['t'] });
    const found = await client.memory.search.query({ agent_id: chunk.agent_id, query: 'remembers pipes' });
    expect(found.chunks.map((c) => c.id)).toEqual([chunk.id]);
    const badRegex = await wireError(
      client.memory.search.query({ agent_id: chunk.agent_id, query: '([', search_mode: 'regex' }),
    );
    expect(badRegex).toMatchObject({ code: 'BAD_REQUEST', fields: ['query'] });
  });

  it('secrets never echo values in errors or lists', async () => {
    await client.secrets.set.mutate({ key: 'CONTRACT_TOKEN', value: 'pipe-secret-value-123' });
    const listed = JSON.stringify(await client.secrets.list.query());
    expect(listed).toContain('CONTRACT_TOKEN');
    expect(listed).not.toContain('pipe-secret-value-123');
    const tooBig = await wireError(
      client.secrets.set.mutate({ key: 'CONTRACT_TOKEN', value: 'other-value-456'.repeat(5000) }),
    );
    expect(tooBig.code).toBe('BAD_REQUEST');
    expect(tooBig.message).not.toContain('other-value-456');
    expect(await wireError(client.secrets.set.mutate({ key: 'lower-case', value: 'v' }))).toMatchObject({
      code: 'BAD_REQUEST',
      fields: ['key'],
    });
    expect(await wireError(client.auth.get.query({ id: 'nope' }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('security, shared space, terminals and run streams', async () => {
    const check = await client.security.check.query({ command: 'ls -la' });
    expect(check.action).toBe('allow');
    expect(await wireError(client.security.approvals.approve.mutate({ id: 'nope' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await wireError(client.shared.get.query({ key: 'ns:missing' }))).toMatchObject({ code: 'NOT_FOUND' });
    const terminal = await client.terminals.create.mutate({});
    expect(terminal.name).toMatch(/^Terminal \d+$/);
    const streamError = await new Promise<WireError>((resolve) => {
      client.runs.onEvents.subscribe(
        { run_id: 'no-such-run' },
        {
          onError: (error) =>
            resolve({
              code: (error.data as { code?: string } | undefined)?.code,
              message: error.message,
              fields: [],
            }),
        },
      );
    });
    expect(streamError.code).toBe('NOT_FOUND');
  });
});
