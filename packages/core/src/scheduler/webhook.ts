// Webhook triggers (docs/entities.md#webhooks): `POST /hooks/trigger/{taskId}`
// with `Authorization: Bearer <task.webhook.token>` starts a run. Transport-free: the daemon's HTTP listener
// hands over the path id, the header and the parsed body, and sends back the reply.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Clock } from '../runtime.ts';
import type { AgentTask } from '../tasks/task-model.ts';
import { SlidingWindowRateLimiter } from './rate-limiter.ts';

export const webhookBodySchema = z
  .object({
    input: z.string().max(100_000, 'input must be at most 100000 characters').optional(),
    source: z.string().max(200, 'source must be at most 200 characters').optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type WebhookBody = z.infer<typeof webhookBodySchema>;

/** The reply body of a webhook trigger. */
export interface WebhookResponse {
  accepted: boolean;
  run_id?: string;
  task_id?: string;
  error?: string;
  timestamp: number;
}

export interface WebhookReply {
  status: number;
  body: WebhookResponse;
  headers?: Record<string, string>;
}

export interface WebhookRequest {
  taskId: string;
  authorization: string | undefined;
  body: unknown;
}

export interface WebhookDeps {
  findTask: (id: string) => AgentTask | undefined;
  /** Starts (or queues) a run; throws ConflictError when the task cannot run now. */
  startRun: (taskId: string, trigger: WebhookBody) => { run_id: string; task_id: string };
  clock: Clock;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time comparison: equal-length digests, so neither content nor length leaks through timing. */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export class WebhookTrigger {
  private readonly limiter: SlidingWindowRateLimiter;

  constructor(private readonly deps: WebhookDeps) {
    this.limiter = new SlidingWindowRateLimiter(deps.clock);
  }

  trigger(request: WebhookRequest): WebhookReply {
    const timestamp = this.deps.clock.now();
    const refuse = (status: number, error: string, headers?: Record<string, string>): WebhookReply => ({
      status,
      body: { accepted: false, error, timestamp },
      ...(headers ? { headers } : {}),
    });
    const task = this.deps.findTask(request.taskId);
    if (!task) return refuse(404, `Task ${request.taskId} not found`);
    const token = /^Bearer\s+(\S+)\s*$/i.exec(request.authorization ?? '')?.[1];
    if (!token || !task.webhook || !tokenMatches(token, task.webhook.token)) {
      return refuse(401, 'missing or invalid bearer token', { 'www-authenticate': 'Bearer' });
    }
    if (!task.webhook.enabled) return refuse(403, `webhook trigger is disabled for task ${task.id}`);
    const parsed = webhookBodySchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.map(String).join('.') || '(body)';
      return refuse(400, `${field}: ${issue?.message ?? 'invalid body'}`);
    }
    const rate = this.limiter.take(task.id, task.webhook.rate_limit);
    if (!rate.allowed) {
      return refuse(429, `rate limit of ${task.webhook.rate_limit} triggers per minute reached`, {
        'retry-after': String(Math.ceil(rate.retryAfterMs / 1000)),
      });
    }
    try {
      const run = this.deps.startRun(task.id, parsed.data);
      return { status: 202, body: { accepted: true, run_id: run.run_id, task_id: run.task_id, timestamp } };
    } catch (error) {
      if (error instanceof ConflictError) return refuse(409, error.message);
      if (error instanceof NotFoundError) return refuse(404, error.message);
      throw error;
    }
  }
}
