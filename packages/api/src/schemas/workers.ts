// Remote workers (docs/workers.md): the worker's side of the queue backend — register, beat, claim a run, report
// its events, settle it — and what the console lists (workers, where a run executed).
import { z } from 'zod';
import { idSchema } from './common.ts';
import { text } from './limits.ts';
import { APPROVAL_STATUSES } from './values.ts';

const tagSchema = text('tag')
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be a lower-case word (a-z, 0-9, _ and -)');

export const registerWorkerInput = z.strictObject({
  name: text('name').trim().min(1, 'name is required'),
  version: text('token').trim().min(1, 'version is required'),
  protocol_version: z.number().int().positive(),
  tags: z.array(tagSchema).max(6).default([]),
  queue: text('name')
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be letters, digits, "_" and "-"')
    .default('default'),
  concurrency: z.number().int().min(1).max(256).default(1),
});

export const workerSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  protocol_version: z.number(),
  tags: z.array(z.string()),
  queue: z.string(),
  concurrency: z.number(),
  status: z.enum(['online', 'lost']),
  active_runs: z.array(z.string()),
  registered_at: z.number(),
  last_heartbeat_at: z.number(),
});

/** `workers.create`'s answer: the worker, and how to reach the queue (the Redis URL may carry its password). */
export const registeredWorkerSchema = workerSchema.extend({
  heartbeat_ms: z.number(),
  redis_url: z.string(),
  prefix: z.string(),
});

export const workerRefInput = z.strictObject({ id: idSchema });

export const claimRunInput = z.strictObject({ worker_id: idSchema, run_id: idSchema, job_id: text('key').min(1) });

const jsonRecord = z.record(z.string(), z.unknown());
const jsonInputRecord = z.record(text('name'), z.unknown());

const llmMessageSchema = z
  .object({ role: z.enum(['system', 'user', 'assistant', 'tool']), content: z.string() })
  .catchall(z.unknown());

/** A budget the run has spent (docs/engine.md#budgets): the worker makes no further provider call. */
const budgetStopSchema = z
  .strictObject({ error_code: z.literal('budget_exceeded'), message: z.string(), budget: jsonRecord })
  .nullable();

export const remoteRunSpecSchema = z.strictObject({
  run_id: z.string(),
  task_id: z.string().nullable(),
  agent: z.strictObject({ id: z.string().nullable(), name: z.string().nullable(), node: jsonRecord }),
  model: z.string(),
  system_prompt: z.string(),
  history: z.array(llmMessageSchema),
  input: z.string(),
  temperature: z.number().nullable(),
  max_iterations: z.number(),
  limits: z.strictObject({
    max_tokens: z.number(),
    history_window: z.number(),
    tool_timeout_ms: z.number(),
    max_tool_result_chars: z.number(),
  }),
  provider: z.strictObject({
    provider: z.enum(['openai', 'anthropic', 'deepseek', 'openai_compatible']),
    api_key: z.string(),
    base_url: z.string(),
    key_source: z.string().nullable(),
  }),
  policy: jsonRecord,
  skills: z.array(
    z.strictObject({ id: z.string(), name: z.string(), description: z.string().nullish(), content: z.string() }),
  ),
  secrets: z.record(z.string(), z.string()),
  budget_stop: budgetStopSchema,
  /** Tools the daemon runs for the run (memory, sub-agents, MCP): the worker calls `workers.tools.invoke` for them. */
  daemon_tools: z.array(z.strictObject({ name: z.string(), description: z.string(), parameters: jsonRecord })),
});

export const claimAnswerSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('run'), spec: remoteRunSpecSchema }),
  z.strictObject({ status: z.literal('gone') }),
]);

/** The events a worker reports; `started` and the terminal events are the daemon's own. */
export const WORKER_EVENT_TYPES = ['tool_call_start', 'tool_call_end', 'step', 'usage', 'approval_required'] as const;

const remoteRunEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('token'), text: text('prompt') }),
  z.strictObject({ type: z.literal('thinking'), content: text('prompt') }),
  z.strictObject({ type: z.literal('event'), event_type: z.enum(WORKER_EVENT_TYPES), payload: jsonInputRecord }),
]);

export const addRunEventsInput = z.strictObject({
  worker_id: idSchema,
  run_id: idSchema,
  /** Numbered from 1 per run; a batch sent again (a retried call) is applied once. */
  seq: z.number().int().positive(),
  events: z.array(remoteRunEventSchema).max(10_000),
});

export const acceptedSchema = z.strictObject({ accepted: z.boolean() });

/** `accepted: false` tells the worker to stop the run; `budget_stop`, that a budget is spent. */
export const reportAnswerSchema = z.strictObject({ accepted: z.boolean(), budget_stop: budgetStopSchema });

const runUsageSchema = z.strictObject({
  input_tokens: z.number(),
  output_tokens: z.number(),
  total_tokens: z.number(),
  cached_tokens: z.number(),
  reasoning_tokens: z.number(),
  cost_usd: z.number(),
});

export const settleRunInput = z.strictObject({
  worker_id: idSchema,
  run_id: idSchema,
  result: z.strictObject({
    status: z.enum(['completed', 'failed', 'cancelled', 'max_iterations']),
    content: text('document'),
    answer: text('document'),
    error: text('description').nullable(),
    error_code: text('token').nullable(),
    llm_error: z
      .strictObject({
        kind: z.enum(['auth', 'rate_limit', 'server', 'timeout', 'connection', 'bad_request', 'cancelled']),
        message: text('description'),
        status: z.number().int().nullable(),
      })
      .nullable(),
    iterations: z.number().int().nonnegative(),
    usage: runUsageSchema,
    token_count: z.number().int().nonnegative(),
    steps: z
      .array(
        z.strictObject({
          step_type: text('name'),
          name: text('name'),
          status: text('token'),
          duration_ms: z.number().optional(),
        }),
      )
      .max(10_000),
    transcript: z
      .array(
        z
          .object({ role: z.enum(['system', 'user', 'assistant', 'tool']), content: text('document') })
          .catchall(z.unknown()),
      )
      .max(10_000),
  }),
});

/** The longest one call waits for a daemon tool or a decision before answering `pending` (the worker asks again). */
const waitMsSchema = z.number().int().min(0).max(25_000).default(20_000);

/**
 * One use of a daemon tool by the run (`workers.tools.invoke`). `call_id` is the worker's: the same id asked again
 * (after `pending`, or a retried request) joins the call rather than starting another.
 */
export const callDaemonToolInput = z.strictObject({
  worker_id: idSchema,
  run_id: idSchema,
  call_id: idSchema,
  name: text('name').min(1),
  /** The arguments as the model gave them (JSON text), checked against the tool's schema in the daemon. */
  arguments: text('prompt'),
  wait_ms: waitMsSchema,
});

export const daemonToolAnswerSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('done'), success: z.boolean(), result: z.string() }),
  z.strictObject({ status: z.literal('pending') }),
]);

/** A command of the run that the policy sends for approval, queued in the daemon's approvals. */
export const requestRunApprovalInput = z.strictObject({
  worker_id: idSchema,
  run_id: idSchema,
  command: text('command').trim().min(1, 'command must not be empty'),
  workdir: text('path').min(1).optional(),
});

export const runApprovalSchema = z.object({
  id: z.string(),
  command: z.string(),
  workdir: z.string().optional(),
  task_id: z.string().nullable(),
  agent_id: z.string().nullable(),
  run_id: z.string().optional(),
  created_at: z.number(),
  expires_at: z.number(),
  status: z.enum(APPROVAL_STATUSES),
  rejection_reason: z.string().optional(),
});

export const waitRunApprovalInput = z.strictObject({
  worker_id: idSchema,
  run_id: idSchema,
  approval_id: idSchema,
  wait_ms: waitMsSchema,
});

export const runApprovalDecisionSchema = z.strictObject({
  status: z.enum(['pending', 'approved', 'rejected', 'expired']),
  reason: z.string().nullable(),
});

export const runPlacementInput = z.strictObject({ run_id: idSchema });

export const runPlacementSchema = z.strictObject({
  run_id: z.string(),
  backend: z.enum(['local', 'queue']),
  queue: z.string().nullable(),
  worker_id: z.string().nullable(),
  worker_name: z.string().nullable(),
});

export type RegisterWorkerInput = z.input<typeof registerWorkerInput>;
export type WorkerWire = z.infer<typeof workerSchema>;
export type RunPlacementWire = z.infer<typeof runPlacementSchema>;
