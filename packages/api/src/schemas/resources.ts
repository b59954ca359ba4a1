// Wire shapes of what the resource procedures return (core's wire types: docs/entities.md), as zod schemas so the
// REST reference (src/server/rest-openapi.ts) documents responses from the same source as requests. They describe,
// they do not filter: procedures keep returning core's objects, and the REST tests hold every real response to
// these shapes, so a field core adds or renames fails a test instead of drifting from the document.
import { z } from 'zod';
import { agentNodeSchema } from './agents.ts';
import { memorySourceSchema } from './memory.ts';
import { executionSchema } from './sessions.ts';
import { usageTotalsSchema } from './usage.ts';
import { AUTH_PROVIDERS, AUTH_SOURCES, RUN_KINDS, RUN_STATUSES, TASK_STATUSES } from './values.ts';

const ms = z.number().int().describe('Unix time in ms');
const rfc3339 = z.string().describe('RFC 3339 date-time (auth profile times are strings)');

export const agentSchema = z
  .object({ id: z.string(), name: z.string(), agent: agentNodeSchema, created_at: ms, updated_at: ms })
  .meta({ id: 'Agent' });

const skillFileSchema = z.object({ id: z.string(), path: z.string(), lang: z.string().optional() });

export const skillSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    tags: z.array(z.string()).nullable(),
    content: z.string().describe('Markdown body'),
    folder_path: z.string().optional(),
    suggested_tools: z.array(z.string()).optional(),
    scripts: z.array(skillFileSchema).optional(),
    references: z.array(skillFileSchema.omit({ lang: true })).optional(),
    gating: z
      .object({
        bins: z.array(z.string()).optional(),
        env: z.array(z.string()).optional(),
        os: z.array(z.string()).optional(),
      })
      .optional(),
    version: z.string().optional(),
    author: z.string().optional(),
    license: z.string().optional(),
    content_hash: z.string().optional(),
    storage_mode: z.string(),
    is_synced: z.boolean(),
    created_at: ms,
    updated_at: ms,
  })
  .meta({ id: 'Skill' });

export const skillExportSchema = z
  .object({ id: z.string(), filename: z.string(), markdown: z.string() })
  .meta({ id: 'SkillExport' });

export const taskSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    agent_id: z.string(),
    description: z.string().nullable(),
    input: z.string().nullable(),
    schedule: z.discriminatedUnion('type', [
      z.object({ type: z.literal('once'), run_at: ms }),
      z.object({ type: z.literal('interval'), interval_ms: z.number().int(), start_at: ms.nullable() }),
      z.object({ type: z.literal('cron'), expression: z.string(), timezone: z.string().nullable() }),
    ]),
    execution_mode: z.discriminatedUnion('type', [
      z.object({ type: z.literal('api'), record: z.boolean().optional() }),
      z.object({
        type: z.literal('cli'),
        binary: z.string(),
        args: z.array(z.string()),
        working_dir: z.string().nullable(),
        timeout_secs: z.number().int(),
        use_pty: z.boolean(),
      }),
    ]),
    notification: z.object({
      telegram_enabled: z.boolean(),
      telegram_bot_token: z.string().nullable(),
      telegram_chat_id: z.string().nullable(),
      notify_on_failure_only: z.boolean(),
      include_output: z.boolean(),
    }),
    memory: z.object({
      max_messages: z.number().int(),
      enable_file_memory: z.boolean(),
      persist_on_complete: z.boolean(),
    }),
    status: z.enum(TASK_STATUSES),
    created_at: ms,
    updated_at: ms,
    last_run_at: ms.nullable(),
    next_run_at: ms.nullable(),
    success_count: z.number().int(),
    failure_count: z.number().int(),
    last_error: z.string().nullable(),
    webhook: z.object({ enabled: z.boolean(), token: z.string(), rate_limit: z.number().int() }).nullable(),
  })
  .meta({ id: 'Task' });

export const taskEventSchema = z
  .object({
    id: z.string(),
    task_id: z.string(),
    event_type: z.string(),
    timestamp: ms,
    message: z.string().optional(),
    output: z.string().optional(),
    duration_ms: z.number().int().optional(),
    run_id: z.string().optional(),
  })
  .meta({ id: 'TaskEvent' });

export const taskRunAcceptedSchema = z
  .object({
    accepted: z.literal(true),
    task_id: z.string(),
    run_id: z.string(),
    queued: z.boolean().describe('every worker was busy: the run starts when one frees up'),
    after_seq: z.number().int().describe("the task stream's seq before this run"),
  })
  .meta({ id: 'TaskRunAccepted' });

export const taskCancelResultSchema = z
  .object({
    task_id: z.string(),
    run_id: z.string().nullable(),
    cancelled: z.boolean(),
    status: z.enum(TASK_STATUSES),
  })
  .meta({ id: 'TaskCancelResult' });

export const activeTaskRunSchema = z
  .object({
    task_id: z.string(),
    task_name: z.string(),
    agent_id: z.string(),
    run_id: z.string(),
    state: z.enum(['running', 'queued']),
    trigger: z.string(),
    since: ms.describe('running: when it started; queued: when it was queued'),
  })
  .meta({ id: 'ActiveTaskRun' });

export const memoryChunkSchema = z
  .object({
    id: z.string(),
    agent_id: z.string(),
    session_id: z.string().nullable(),
    content: z.string(),
    content_hash: z.string(),
    source: memorySourceSchema,
    created_at: ms,
    tags: z.array(z.string()),
    token_count: z.number().int().nullable(),
  })
  .meta({ id: 'MemoryChunk' });

export const memorySessionSchema = z
  .object({
    id: z.string(),
    agent_id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    chunk_count: z.number().int(),
    total_tokens: z.number().int(),
    created_at: ms,
    updated_at: ms,
    tags: z.array(z.string()),
  })
  .meta({ id: 'MemorySession' });

export const memorySearchResultSchema = z
  .object({
    chunks: z.array(memoryChunkSchema),
    total_count: z
      .number()
      .int()
      .describe('exact up to 1000 unless total_estimated; beyond, 1000 with total_capped ("1000+")'),
    has_more: z.boolean(),
    total_capped: z.boolean().optional().describe('true when more chunks match than total_count'),
    total_estimated: z
      .boolean()
      .optional()
      .describe('true when total_count is estimated from the share of the newest chunks that match ("~N")'),
  })
  .meta({ id: 'MemorySearchResult' });

export const memoryStatsSchema = z
  .object({
    agent_id: z.string(),
    session_count: z.number().int(),
    chunk_count: z.number().int(),
    total_tokens: z.number().int(),
    oldest_memory: ms.nullable(),
    newest_memory: ms.nullable(),
  })
  .meta({ id: 'MemoryStats' });

export const chatMessageSchema = z
  .object({
    id: z.string(),
    role: z.enum(['user', 'assistant', 'system']),
    content: z.string(),
    timestamp: ms,
    execution: executionSchema.optional(),
    run_id: z.string().optional(),
  })
  .meta({ id: 'ChatMessage' });

export const chatSessionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    agent_id: z.string(),
    model: z.string(),
    messages: z.array(chatMessageSchema),
    created_at: ms,
    updated_at: ms,
    skill_id: z.string().optional(),
    metadata: z.object({
      total_tokens: z.number().int(),
      message_count: z.number().int(),
      last_model: z.string().optional(),
    }),
  })
  .meta({ id: 'ChatSession' });

export const chatSessionSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    agent_id: z.string(),
    model: z.string(),
    skill_id: z.string().optional(),
    message_count: z.number().int(),
    updated_at: ms,
    last_message_preview: z.string().optional(),
  })
  .meta({ id: 'ChatSessionSummary' });

export const chatSessionSearchHitSchema = chatSessionSummarySchema
  .extend({ match_count: z.number().int(), match_preview: z.string().optional() })
  .meta({ id: 'ChatSessionSearchHit' });

const credentialFields = {
  email: z.string().optional(),
  hint: z.string().nullable().describe('masked, never the value'),
};

export const authProfileSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    credential: z.discriminatedUnion('type', [
      z.object({ type: z.literal('api_key'), secret_ref: z.string(), ...credentialFields }),
      z.object({
        type: z.literal('token'),
        secret_ref: z.string(),
        expires_at: z.string().optional(),
        ...credentialFields,
      }),
      z.object({
        type: z.literal('o_auth'),
        access_token_ref: z.string(),
        refresh_token_ref: z.string().optional(),
        expires_at: z.string().optional(),
        ...credentialFields,
      }),
    ]),
    source: z.enum(AUTH_SOURCES),
    provider: z.enum(AUTH_PROVIDERS),
    health: z.enum(['healthy', 'cooldown', 'disabled', 'unknown']),
    enabled: z.boolean(),
    priority: z.number().int(),
    created_at: rfc3339,
    last_used_at: rfc3339.nullable(),
    last_failed_at: rfc3339.nullable(),
    failure_count: z.number().int(),
    cooldown_until: rfc3339.nullable(),
    available: z.boolean(),
  })
  .meta({ id: 'AuthProfile' });

export const authSummarySchema = z
  .object({
    total: z.number().int(),
    enabled: z.number().int(),
    available: z.number().int(),
    in_cooldown: z.number().int(),
    disabled: z.number().int(),
    by_provider: z.record(z.string(), z.number().int()),
    by_source: z.record(z.string(), z.number().int()),
  })
  .meta({ id: 'AuthSummary' });

export const secretInfoSchema = z
  .object({ key: z.string(), description: z.string().nullable(), created_at: ms, updated_at: ms })
  .meta({ id: 'SecretInfo', description: 'A stored secret without its value' });

export const secretPresenceSchema = z
  .object({ key: z.string(), exists: z.boolean(), source: z.enum(['stored', 'environment']).nullable() })
  .meta({ id: 'SecretPresence' });

export const runInfoSchema = z
  .object({
    id: z.string(),
    kind: z.enum(RUN_KINDS),
    status: z.enum(RUN_STATUSES),
    agent_id: z.string().nullable(),
    session_id: z.string().nullable(),
    task_id: z.string().nullable(),
    message_id: z.string().nullable(),
    started_at: ms,
    finished_at: ms.nullable(),
    error: z.string().nullable(),
    error_code: z.string().nullable().describe('set for failures a client may act on (budget_exceeded)'),
    last_seq: z.number().int().describe('seq of the last stored event: the cursor a subscriber resumes from'),
    usage: usageTotalsSchema.describe("tokens and cost of the run's own provider calls"),
    parent_run_id: z.string().nullable().describe('the run that spawned this one as a sub-agent'),
    root_run_id: z.string().describe('the top-level run of its tree (itself when it has no parent)'),
    agent_name: z.string().nullable().describe('the name a sub-agent was spawned as'),
    usage_total: usageTotalsSchema.describe('usage plus that of every sub-agent run below this one'),
  })
  .meta({ id: 'RunInfo' });
