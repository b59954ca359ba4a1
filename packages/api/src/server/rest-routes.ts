// The REST face of the one router: each route names the procedure it calls, nothing else. The handler
// (rest-handler.ts) builds the procedure's input from the path parameters plus the query (GET, DELETE) or the JSON
// body (POST, PATCH, PUT); the reference (rest-openapi.ts) is generated from this table and the procedures' own
// zod schemas. A procedure that declares `.output()` documents its response; the others name theirs here
// (schemas/resources.ts).
import { z } from 'zod';
import type * as schemas from '../schemas/index.ts';

export type RestMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RestRoute {
  method: RestMethod;
  /** OpenAPI path template: `{name}` segments are path parameters. */
  path: string;
  /** The dotted procedure path in the router (`agents.get`, `memory.sessions.list`). */
  procedure: string;
  /** Path parameter → input field, where they differ (`{id}` → `session_id`). */
  params?: Record<string, string>;
  summary: string;
  /** The resource family: the document's tag. */
  tag: string;
  /**
   * Required unless the procedure declares `.output()`. Read from the schemas module when the OpenAPI document is
   * built, so serving REST requests never builds the response schemas.
   */
  response?: (s: typeof schemas) => z.ZodType;
  /** 201 for creates, else 200. */
  status?: 200 | 201;
}

const list = (schema: z.ZodType) => z.array(schema);

/**
 * Order matters where a literal segment and a parameter share a position (`/api/tasks/active` before
 * `/api/tasks/{id}`): the first route that matches answers.
 */
export const REST_ROUTES: readonly RestRoute[] = [
  // Agents
  {
    method: 'GET',
    path: '/api/agents',
    procedure: 'agents.list',
    tag: 'agents',
    summary: 'List agents',
    response: (s) => list(s.agentSchema),
  },
  {
    method: 'POST',
    path: '/api/agents',
    procedure: 'agents.create',
    tag: 'agents',
    summary: 'Create an agent',
    response: (s) => s.agentSchema,
    status: 201,
  },
  {
    method: 'GET',
    path: '/api/agents/{id}',
    procedure: 'agents.get',
    tag: 'agents',
    summary: 'Get an agent (id or unique prefix)',
    response: (s) => s.agentSchema,
  },
  {
    method: 'PATCH',
    path: '/api/agents/{id}',
    procedure: 'agents.update',
    tag: 'agents',
    summary: 'Update an agent',
    response: (s) => s.agentSchema,
  },
  { method: 'DELETE', path: '/api/agents/{id}', procedure: 'agents.delete', tag: 'agents', summary: 'Delete an agent' },
  {
    method: 'POST',
    path: '/api/agents/{id}/run',
    procedure: 'agents.run',
    tag: 'agents',
    summary:
      'Start a run of the agent; returns at once with its ids (stream it with POST /api/execute or watch GET /api/runs/{id})',
  },

  // Skills
  {
    method: 'GET',
    path: '/api/skills',
    procedure: 'skills.list',
    tag: 'skills',
    summary: 'List skills, most recently updated first',
    response: (s) => list(s.skillSchema),
  },
  {
    method: 'POST',
    path: '/api/skills',
    procedure: 'skills.create',
    tag: 'skills',
    summary: 'Create a skill',
    response: (s) => s.skillSchema,
    status: 201,
  },
  {
    method: 'POST',
    path: '/api/skills/import',
    procedure: 'skills.import',
    tag: 'skills',
    summary: 'Import a skill from markdown with YAML frontmatter',
    response: (s) => s.skillSchema,
  },
  {
    method: 'GET',
    path: '/api/skills/{id}',
    procedure: 'skills.get',
    tag: 'skills',
    summary: 'Get a skill',
    response: (s) => s.skillSchema,
  },
  {
    method: 'PATCH',
    path: '/api/skills/{id}',
    procedure: 'skills.update',
    tag: 'skills',
    summary: 'Update a skill',
    response: (s) => s.skillSchema,
  },
  { method: 'DELETE', path: '/api/skills/{id}', procedure: 'skills.delete', tag: 'skills', summary: 'Delete a skill' },
  {
    method: 'GET',
    path: '/api/skills/{id}/export',
    procedure: 'skills.export',
    tag: 'skills',
    summary: 'Export a skill as markdown',
    response: (s) => s.skillExportSchema,
  },

  // Tasks
  {
    method: 'GET',
    path: '/api/tasks',
    procedure: 'tasks.list',
    tag: 'tasks',
    summary: 'List tasks',
    response: (s) => list(s.taskSchema),
  },
  {
    method: 'POST',
    path: '/api/tasks',
    procedure: 'tasks.create',
    tag: 'tasks',
    summary: 'Create a task (no schedule = hourly)',
    response: (s) => s.taskSchema,
    status: 201,
  },
  {
    method: 'GET',
    path: '/api/tasks/active',
    procedure: 'tasks.active',
    tag: 'tasks',
    summary: 'Runs in progress and runs waiting for a worker',
    response: (s) => list(s.activeTaskRunSchema),
  },
  {
    method: 'GET',
    path: '/api/tasks/{id}',
    procedure: 'tasks.get',
    tag: 'tasks',
    summary: 'Get a task',
    response: (s) => s.taskSchema,
  },
  {
    method: 'PATCH',
    path: '/api/tasks/{id}',
    procedure: 'tasks.update',
    tag: 'tasks',
    summary: 'Update a task',
    response: (s) => s.taskSchema,
  },
  {
    method: 'DELETE',
    path: '/api/tasks/{id}',
    procedure: 'tasks.delete',
    tag: 'tasks',
    summary: 'Delete a task and its events',
  },
  {
    method: 'POST',
    path: '/api/tasks/{id}/run',
    procedure: 'tasks.run',
    tag: 'tasks',
    summary: 'Run the task now (409 when it is already running or queued)',
    response: (s) => s.taskRunAcceptedSchema,
  },
  {
    method: 'POST',
    path: '/api/tasks/{id}/cancel',
    procedure: 'tasks.cancel',
    tag: 'tasks',
    summary: 'Stop a running or queued run and pause the task',
    response: (s) => s.taskCancelResultSchema,
  },
  {
    method: 'POST',
    path: '/api/tasks/{id}/pause',
    procedure: 'tasks.pause',
    tag: 'tasks',
    summary: 'Pause the task',
    response: (s) => s.taskSchema,
  },
  {
    method: 'POST',
    path: '/api/tasks/{id}/resume',
    procedure: 'tasks.resume',
    tag: 'tasks',
    summary: 'Resume a paused task',
    response: (s) => s.taskSchema,
  },
  {
    method: 'GET',
    path: '/api/tasks/{id}/events',
    procedure: 'tasks.events.list',
    params: { id: 'task_id' },
    tag: 'tasks',
    summary: "The task's events, newest first",
    response: (s) => list(s.taskEventSchema),
  },

  // Memory
  {
    method: 'GET',
    path: '/api/memory',
    procedure: 'memory.list',
    tag: 'memory',
    summary: 'Chunks by agent and/or tag, newest first',
    response: (s) => list(s.memoryChunkSchema),
  },
  {
    method: 'POST',
    path: '/api/memory',
    procedure: 'memory.create',
    tag: 'memory',
    summary: 'Store a chunk (the same content again returns the existing chunk)',
    response: (s) => s.memoryChunkSchema,
    status: 201,
  },
  {
    method: 'GET',
    path: '/api/memory/page',
    procedure: 'memory.page',
    tag: 'memory',
    summary: 'One page of chunks, newest first (pass next_cursor back as cursor)',
  },
  {
    method: 'GET',
    path: '/api/memory/search',
    procedure: 'memory.search',
    tag: 'memory',
    summary: 'Keyword, phrase or regex search, newest first',
    response: (s) => s.memorySearchResultSchema,
  },
  {
    method: 'GET',
    path: '/api/memory/stats',
    procedure: 'memory.stats',
    tag: 'memory',
    summary: "An agent's memory statistics",
    response: (s) => s.memoryStatsSchema,
  },
  {
    method: 'POST',
    path: '/api/memory/clear',
    procedure: 'memory.clear',
    tag: 'memory',
    summary: 'Delete every chunk of an agent',
  },
  {
    method: 'GET',
    path: '/api/memory/sessions',
    procedure: 'memory.sessions.list',
    tag: 'memory',
    summary: 'Memory sessions, most recently updated first',
    response: (s) => list(s.memorySessionSchema),
  },
  {
    method: 'POST',
    path: '/api/memory/sessions',
    procedure: 'memory.sessions.create',
    tag: 'memory',
    summary: 'Create a memory session',
    response: (s) => s.memorySessionSchema,
    status: 201,
  },
  {
    method: 'GET',
    path: '/api/memory/sessions/{id}',
    procedure: 'memory.sessions.get',
    tag: 'memory',
    summary: 'Get a memory session',
    response: (s) => s.memorySessionSchema,
  },
  {
    method: 'PATCH',
    path: '/api/memory/sessions/{id}',
    procedure: 'memory.sessions.update',
    tag: 'memory',
    summary: 'Update a memory session',
    response: (s) => s.memorySessionSchema,
  },
  {
    method: 'DELETE',
    path: '/api/memory/sessions/{id}',
    procedure: 'memory.sessions.delete',
    tag: 'memory',
    summary: 'Delete a memory session (its chunks stay unless delete_chunks=true)',
  },
  {
    method: 'GET',
    path: '/api/memory/{id}',
    procedure: 'memory.get',
    tag: 'memory',
    summary: 'Get a chunk',
    response: (s) => s.memoryChunkSchema,
  },
  { method: 'DELETE', path: '/api/memory/{id}', procedure: 'memory.delete', tag: 'memory', summary: 'Delete a chunk' },

  // Chat sessions
  {
    method: 'GET',
    path: '/api/sessions',
    procedure: 'sessions.list',
    tag: 'sessions',
    summary: 'Session summaries, most recently updated first',
    response: (s) => list(s.chatSessionSummarySchema),
  },
  {
    method: 'POST',
    path: '/api/sessions',
    procedure: 'sessions.create',
    tag: 'sessions',
    summary: 'Create a chat session',
    response: (s) => s.chatSessionSchema,
    status: 201,
  },
  {
    method: 'GET',
    path: '/api/sessions/page',
    procedure: 'sessions.page',
    tag: 'sessions',
    summary: 'One page of session summaries, most recently updated first (pass next_cursor back as cursor)',
  },
  {
    method: 'GET',
    path: '/api/sessions/search',
    procedure: 'sessions.search',
    tag: 'sessions',
    summary: 'Sessions whose name or messages contain the query',
    response: (s) => list(s.chatSessionSearchHitSchema),
  },
  {
    method: 'GET',
    path: '/api/sessions/{id}',
    procedure: 'sessions.get',
    tag: 'sessions',
    summary: 'A session with its messages',
    response: (s) => s.chatSessionSchema,
  },
  {
    method: 'PATCH',
    path: '/api/sessions/{id}',
    procedure: 'sessions.update',
    tag: 'sessions',
    summary: 'Rename a session or change its agent or model',
    response: (s) => s.chatSessionSchema,
  },
  {
    method: 'DELETE',
    path: '/api/sessions/{id}',
    procedure: 'sessions.delete',
    tag: 'sessions',
    summary: 'Delete a session and its messages',
  },
  {
    method: 'GET',
    path: '/api/sessions/{id}/messages',
    procedure: 'sessions.messages.list',
    params: { id: 'session_id' },
    tag: 'sessions',
    summary: 'The last `limit` messages, oldest first',
    response: (s) => list(s.chatMessageSchema),
  },
  {
    method: 'GET',
    path: '/api/sessions/{id}/messages/page',
    procedure: 'sessions.messages.page',
    params: { id: 'session_id' },
    tag: 'sessions',
    summary: 'One page of messages, the last ones first, each page oldest first (next_cursor goes back in time)',
  },
  {
    method: 'POST',
    path: '/api/sessions/{id}/messages',
    procedure: 'sessions.messages.create',
    params: { id: 'session_id' },
    tag: 'sessions',
    summary: 'Append a message (starts no run)',
    response: (s) => s.chatSessionSchema,
    status: 201,
  },

  // Auth profiles
  {
    method: 'GET',
    path: '/api/auth',
    procedure: 'auth.list',
    tag: 'auth',
    summary: 'Auth profiles (secret refs and a masked hint, never a credential)',
    response: (s) => list(s.authProfileSchema),
  },
  {
    method: 'POST',
    path: '/api/auth',
    procedure: 'auth.create',
    tag: 'auth',
    summary: 'Add an auth profile (the credential is stored as secrets)',
    response: (s) => s.authProfileSchema,
    status: 201,
  },
  {
    method: 'GET',
    path: '/api/auth/summary',
    procedure: 'auth.summary',
    tag: 'auth',
    summary: 'Counts of profiles by state, provider and source',
    response: (s) => s.authSummarySchema,
  },
  {
    method: 'GET',
    path: '/api/auth/{id}',
    procedure: 'auth.get',
    tag: 'auth',
    summary: 'Get an auth profile',
    response: (s) => s.authProfileSchema,
  },
  {
    method: 'PATCH',
    path: '/api/auth/{id}',
    procedure: 'auth.update',
    tag: 'auth',
    summary: 'Rename, enable/disable or reprioritise a profile',
    response: (s) => s.authProfileSchema,
  },
  {
    method: 'DELETE',
    path: '/api/auth/{id}',
    procedure: 'auth.delete',
    tag: 'auth',
    summary: 'Delete a profile and its credential secrets',
  },
  {
    method: 'POST',
    path: '/api/auth/{id}/use',
    procedure: 'auth.use',
    tag: 'auth',
    summary: 'Make the profile the first choice',
    response: (s) => s.authProfileSchema,
  },
  {
    method: 'POST',
    path: '/api/auth/{id}/enable',
    procedure: 'auth.enable',
    tag: 'auth',
    summary: 'Enable a profile',
    response: (s) => s.authProfileSchema,
  },
  {
    method: 'POST',
    path: '/api/auth/{id}/disable',
    procedure: 'auth.disable',
    tag: 'auth',
    summary: 'Disable a profile',
    response: (s) => s.authProfileSchema,
  },

  // Secrets: never a value over REST (secrets.get is not mapped)
  {
    method: 'GET',
    path: '/api/secrets',
    procedure: 'secrets.list',
    tag: 'secrets',
    summary: 'Secret keys and descriptions, never values',
    response: (s) => list(s.secretInfoSchema),
  },
  {
    method: 'GET',
    path: '/api/secrets/{key}',
    procedure: 'secrets.has',
    tag: 'secrets',
    summary: 'Whether the secret exists and where from (never its value)',
    response: (s) => s.secretPresenceSchema,
  },
  {
    method: 'PUT',
    path: '/api/secrets/{key}',
    procedure: 'secrets.set',
    tag: 'secrets',
    summary: 'Create or replace a secret; the answer holds no value',
    response: (s) => s.secretInfoSchema,
  },
  {
    method: 'DELETE',
    path: '/api/secrets/{key}',
    procedure: 'secrets.delete',
    tag: 'secrets',
    summary: 'Delete a secret',
  },

  // Config
  {
    method: 'GET',
    path: '/api/config',
    procedure: 'config.get',
    tag: 'config',
    summary: 'The system config',
    response: (s) => s.systemConfigSchema,
  },
  {
    method: 'PUT',
    path: '/api/config',
    procedure: 'config.set',
    tag: 'config',
    summary: 'Replace the whole system config',
    response: (s) => s.systemConfigSchema,
  },
  {
    method: 'POST',
    path: '/api/config/reset',
    procedure: 'config.reset',
    tag: 'config',
    summary: 'Put the system config back to its defaults',
    response: (s) => s.systemConfigSchema,
  },
  {
    method: 'GET',
    path: '/api/config/providers',
    procedure: 'config.providers.get',
    tag: 'config',
    summary: 'Provider endpoint settings',
    response: (s) => s.providerSettingsSchema,
  },
  {
    method: 'PUT',
    path: '/api/config/providers',
    procedure: 'config.providers.set',
    tag: 'config',
    summary: 'Replace the provider endpoint settings',
    response: (s) => s.providerSettingsSchema,
  },
  {
    method: 'PUT',
    path: '/api/config/{key}',
    procedure: 'config.update',
    tag: 'config',
    summary: 'Set one config key (an unknown key is a 400 naming it)',
    response: (s) => s.systemConfigSchema,
  },

  // Models
  {
    method: 'GET',
    path: '/api/models',
    procedure: 'models.list',
    tag: 'models',
    summary: 'Per provider: whether it is configured, and its models',
  },
  {
    method: 'GET',
    path: '/api/models/aliases',
    procedure: 'models.aliases',
    tag: 'models',
    summary: 'Model short names and retirements',
  },

  // Runs
  {
    method: 'GET',
    path: '/api/runs',
    procedure: 'runs.list',
    tag: 'runs',
    summary: 'Recent runs, newest first',
    response: (s) => list(s.runInfoSchema),
  },
  {
    method: 'GET',
    path: '/api/runs/page',
    procedure: 'runs.page',
    tag: 'runs',
    summary: 'One page of runs, newest first (pass next_cursor back as cursor)',
  },
  {
    method: 'GET',
    path: '/api/runs/{id}',
    procedure: 'runs.get',
    tag: 'runs',
    summary: "One run's state",
    response: (s) => s.runInfoSchema,
  },
  {
    method: 'POST',
    path: '/api/runs/{id}/cancel',
    procedure: 'runs.cancel',
    tag: 'runs',
    summary: 'Stop a run, keeping the partial answer',
    response: (s) => s.runInfoSchema,
  },
];
