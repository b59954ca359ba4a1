// RestFlow as an MCP server: each tool is one or a few calls of the one router, through a tRPC client — the pipe
// client in `restflow mcp serve` (stdio), an in-process link on the daemon's `/mcp` — never a second
// implementation of an operation. Inputs are the wire's zod schemas; failures are MCP tool errors with the
// router's message; runs report MCP progress notifications while they stream.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { RESTFLOW_VERSION } from '@restflow/paths';
import { applyRunEvent, emptyRunView, type RunEventKind, type RunView } from '@restflow/run-model';
import type { createTRPCClient } from '@trpc/client';
import { z } from 'zod';
import type { AppRouter } from '../root.ts';
import {
  createChunkInput,
  createSkillInput,
  createTaskInput,
  idInput,
  idSchema,
  listSessionsInput,
  listTasksInput,
  memorySearchInput,
  optionalAgentInput,
  runSkillInput,
  sendInput,
  updateSkillInput,
} from '../schemas/index.ts';

/** Any tRPC client of the router: over the pipe, or in-process. */
export type RestflowApi = ReturnType<typeof createTRPCClient<AppRouter>>;

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

const json = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

function errorText(error: unknown): string {
  const code = (error as { data?: { code?: string } }).data?.code;
  const message = (error as Error)?.message ?? String(error);
  return code ? `${code}: ${message}` : message;
}

/** Runs a tool body; whatever it throws becomes a tool error the client can read, never a protocol failure. */
async function answer(body: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    return { content: [{ type: 'text', text: json(await body()) }] };
  } catch (error) {
    return { isError: true, content: [{ type: 'text', text: errorText(error) }] };
  }
}

/** Sends `notifications/progress` when the caller asked for progress (it gave a progress token). */
function progressOf(extra: Extra): (message: string) => void {
  const token = extra._meta?.progressToken;
  if (token === undefined) return () => {};
  let progress = 0;
  return (message) => {
    progress += 1;
    void extra
      .sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, message } })
      .catch(() => {});
  };
}

function describe(kind: RunEventKind): string | undefined {
  switch (kind.type) {
    case 'started':
      return `started (${kind.model})${kind.warnings?.length ? `; warnings: ${kind.warnings.join('; ')}` : ''}`;
    case 'token':
      return kind.text;
    case 'tool_call_start':
      return `calling ${kind.tool_name}`;
    case 'tool_call_end':
      return `tool ${kind.success ? 'finished' : 'failed'}`;
    case 'approval_required':
      return `waiting for approval of: ${kind.approval.command}`;
    default:
      return undefined;
  }
}

/** Follows a run to its end, reporting progress; cancelling the MCP request cancels the run. */
function followRun(api: RestflowApi, runId: string, extra: Extra): Promise<RunView> {
  const report = progressOf(extra);
  return new Promise((resolve, reject) => {
    let view = emptyRunView();
    const onAbort = () => {
      subscription.unsubscribe();
      void api.runs.cancel.mutate({ id: runId }).catch(() => {});
      reject(new Error(`cancelled; run ${runId} was stopped`));
    };
    const finish = (error?: unknown) => {
      extra.signal.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
      if (error) reject(error);
      // The SDK client handles a notification a microtask late: a progress notification that arrives in the same
      // read as the result would find its handler gone, so the result leaves on a later turn of the event loop.
      else setImmediate(() => resolve(view));
    };
    const subscription = api.runs.onEvents.subscribe(
      { run_id: runId },
      {
        onData: ({ data }) => {
          const fresh = data.seq > view.lastSeq;
          view = applyRunEvent(view, data);
          const line = fresh ? describe(data.kind) : undefined;
          if (line) report(line);
        },
        onError: (error) => finish(error),
        onComplete: () => finish(),
      },
    );
    if (extra.signal.aborted) onAbort();
    else extra.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The answer of a finished run, or an error saying how it ended. */
function runAnswer(view: RunView, ids: Record<string, unknown>): Record<string, unknown> {
  if (view.status !== 'completed') {
    throw new Error(`the run ${view.status}${view.error ? `: ${view.error}` : ''}`);
  }
  return { ...ids, status: view.status, answer: view.content };
}

/** Follows a task run through the task stream until its terminal event. */
function followTaskRun(
  api: RestflowApi,
  accepted: { task_id: string; run_id: string; after_seq: number },
  extra: Extra,
): Promise<{ type: string; [field: string]: unknown }> {
  const report = progressOf(extra);
  return new Promise((resolve, reject) => {
    const finish = (kind?: { type: string }, error?: unknown) => {
      extra.signal.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
      if (error || !kind) reject(error ?? new Error('the task stream ended before the run did'));
      else resolve(kind);
    };
    const onAbort = () => finish(undefined, new Error('stopped waiting; the task run goes on in the daemon'));
    const subscription = api.tasks.onEvents.subscribe(
      { task_id: accepted.task_id, lastEventId: String(accepted.after_seq) },
      {
        onData: ({ data }) => {
          if (data.run_id !== accepted.run_id) return;
          const { kind } = data;
          if (kind.type === 'output') report(kind.text);
          else report(kind.type);
          if (kind.type === 'completed' || kind.type === 'failed' || kind.type === 'cancelled') finish(kind);
        },
        onError: (error) => finish(undefined, error),
        onComplete: () => finish(undefined),
      },
    );
    if (extra.signal.aborted) onAbort();
    else extra.signal.addEventListener('abort', onAbort, { once: true });
  });
}

const memoryStatsInput = optionalAgentInput.unwrap();
const sessionListInput = listSessionsInput.unwrap().extend({
  limit: z.number().int().min(1).max(1000).default(20),
});
const skillExecuteInput = z.strictObject({
  skill_id: runSkillInput.shape.id,
  input: runSkillInput.shape.input,
  agent_id: runSkillInput.shape.agent_id,
});
const taskRunInput = idInput.extend({
  wait: z.boolean().default(true).describe('wait for the run to end and return its result (default true)'),
});

/** A new server for one client session (a server instance never serves two sessions). */
export function createRestflowMcpServer(api: RestflowApi): McpServer {
  const server = new McpServer(
    { name: 'restflow', title: 'RestFlow MCP Server', version: RESTFLOW_VERSION },
    { capabilities: { tools: {} } },
  );

  server.registerTool('list_skills', { description: 'List the stored skills (id, name, description, tags)' }, () =>
    answer(async () =>
      (await api.skills.list.query()).map((s) => ({
        id: s.id,
        name: s.name,
        description: s.description ?? null,
        tags: s.tags ?? [],
      })),
    ),
  );
  server.registerTool('get_skill', { description: 'A skill with its content', inputSchema: idInput }, (args) =>
    answer(() => api.skills.get.query(args)),
  );
  server.registerTool('create_skill', { description: 'Create a skill', inputSchema: createSkillInput }, (args) =>
    answer(async () => `Skill created successfully with ID: ${(await api.skills.create.mutate(args)).id}`),
  );
  server.registerTool(
    'update_skill',
    { description: 'Change the given fields of a skill', inputSchema: updateSkillInput },
    (args) => answer(async () => `Skill ${(await api.skills.update.mutate(args)).id} updated`),
  );
  server.registerTool('delete_skill', { description: 'Delete a skill', inputSchema: idInput }, (args) =>
    answer(async () => `Skill ${(await api.skills.delete.mutate(args)).id} deleted`),
  );
  server.registerTool(
    'skill_execute',
    {
      description:
        'Run a skill: an agent (agent_id, default: the default assistant) applies the skill to the input; returns its answer',
      inputSchema: skillExecuteInput,
    },
    (args, extra) =>
      answer(async () => {
        const started = await api.skills.run.mutate({ id: args.skill_id, input: args.input, agent_id: args.agent_id });
        return runAnswer(await followRun(api, started.run_id, extra), {
          skill_id: args.skill_id,
          run_id: started.run_id,
        });
      }),
  );

  server.registerTool('list_agents', { description: 'List the agents (id, name, model)' }, () =>
    answer(async () =>
      (await api.agents.list.query()).map((a) => ({ id: a.id, name: a.name, model: a.agent.model ?? null })),
    ),
  );
  server.registerTool('get_agent', { description: 'An agent with its definition', inputSchema: idInput }, (args) =>
    answer(() => api.agents.get.query(args)),
  );

  server.registerTool(
    'memory_search',
    { description: "Search an agent's memory (keyword search by default)", inputSchema: memorySearchInput },
    (args) => answer(() => api.memory.search.query(args)),
  );
  server.registerTool(
    'memory_store',
    { description: "Store a note in an agent's memory", inputSchema: createChunkInput },
    (args) => answer(async () => `Stored memory chunk: ${(await api.memory.create.mutate(args)).id}`),
  );
  server.registerTool(
    'memory_stats',
    { description: "Counts of an agent's memory", inputSchema: memoryStatsInput },
    (args) => answer(() => api.memory.stats.query(args)),
  );

  server.registerTool(
    'chat_session_list',
    { description: 'Chat sessions, newest first (optionally of one agent)', inputSchema: sessionListInput },
    (args) =>
      answer(async () => {
        const { limit, ...filter } = args;
        // One keyset page reads `limit` sessions, not the whole history; pages stop at 500.
        if (limit <= 500) return (await api.sessions.page.query({ ...filter, limit })).items;
        return (await api.sessions.list.query(filter)).slice(0, limit);
      }),
  );
  server.registerTool(
    'chat_session_get',
    { description: 'A chat session with its messages', inputSchema: z.strictObject({ session_id: idSchema }) },
    (args) => answer(() => api.sessions.get.query({ id: args.session_id })),
  );
  server.registerTool(
    'chat_send',
    {
      description: 'Send a message to an agent (agent_id: new session) or a session (session_id) and return the answer',
      inputSchema: sendInput,
    },
    (args, extra) =>
      answer(async () => {
        const sent = await api.chat.send.mutate(args);
        return runAnswer(await followRun(api, sent.run_id, extra), {
          session_id: sent.session_id,
          run_id: sent.run_id,
        });
      }),
  );

  server.registerTool('task_list', { description: 'List tasks', inputSchema: listTasksInput.unwrap() }, (args) =>
    answer(() => api.tasks.list.query(args)),
  );
  server.registerTool('task_create', { description: 'Create a task', inputSchema: createTaskInput }, (args) =>
    answer(() => api.tasks.create.mutate(args)),
  );
  server.registerTool(
    'task_run',
    { description: 'Run a task now; waits for its result unless wait is false', inputSchema: taskRunInput },
    (args, extra) =>
      answer(async () => {
        const accepted = await api.tasks.run.mutate({ id: args.id });
        if (!args.wait) return accepted;
        const end = await followTaskRun(api, accepted, extra);
        return { task_id: accepted.task_id, run_id: accepted.run_id, ...end };
      }),
  );
  server.registerTool(
    'task_status',
    { description: 'A task with its status and its latest events', inputSchema: idInput },
    (args) =>
      answer(async () => {
        const task = await api.tasks.get.query(args);
        const events = await api.tasks.events.list.query({ task_id: task.id, limit: 10 });
        return { ...task, recent_events: events };
      }),
  );
  return server;
}
