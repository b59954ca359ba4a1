// Webhook triggers (docs/entities.md#webhooks): `POST /hooks/trigger/{taskId}`
// with `Authorization: Bearer <task.webhook.token>` starts a run. Transport-free: the daemon's HTTP listener
// hands over the path id, the header and the parsed body, and sends back the reply.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Clock } from '../runtime.ts';
import type { AgentTask } from '../tasks/task-model.ts';
import { onFirstUse } from '../zod-on-first-use.ts';
import { SlidingWindowRateLimiter } from './rate-limiter.ts';

const webhookBodySchema = onFirstUse((z) =>
  z
    .object({
      input: z
        .string()
        .max(100_000, 'input must be at most 100000 characters')
        // A lone surrogate would be stored as invalid UTF-8 and read back altered (docs/limits.md).
        .refine((text) => !/\p{Cs}/u.test(text), 'contains an unpaired UTF-16 surrogate (not valid Unicode text)')
        .optional(),
      source: z.string().max(200, 'source must be at most 200 characters').optional(),
      metadata: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
);

/** A webhook call's body, as its schema checked it. */
export interface WebhookBody {
  input?: string;
  source?: string;
  metadata?: Record<string, unknown>;
}

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
  /** Who is calling (the peer address): failed attempts are throttled per source. */
  source?: string;
}

export interface WebhookDeps {
  findTask: (id: string) => AgentTask | undefined;
  /** Starts (or queues) a run; throws ConflictError when the task cannot run now. */
  startRun: (taskId: string, trigger: WebhookBody) => { run_id: string; task_id: string };
  clock: Clock;
}

/** Failed attempts (unknown task, wrong token) one source may make per window before it gets 429s. */
export const WEBHOOK_FAILURE_LIMIT = 10;
export const WEBHOOK_FAILURE_WINDOW_MS = 60_000;

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time comparison: equal-length digests, so neither content nor length leaks through timing. */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Compared against when the task is unknown, so an unknown task costs the same time as a wrong token. */
const UNKNOWN_TASK_TOKEN = 'no task has this token';

export class WebhookTrigger {
  private readonly limiter: SlidingWindowRateLimiter;
  private readonly failures: SlidingWindowRateLimiter;

  constructor(private readonly deps: WebhookDeps) {
    this.limiter = new SlidingWindowRateLimiter(deps.clock);
    this.failures = new SlidingWindowRateLimiter(deps.clock, WEBHOOK_FAILURE_WINDOW_MS);
  }

  private refusal(status: number, error: string, headers?: Record<string, string>): WebhookReply {
    return {
      status,
      body: { accepted: false, error, timestamp: this.deps.clock.now() },
      ...(headers ? { headers } : {}),
    };
  }

  /**
   * The checks that need no body: a throttled source, then the task and its token. An unknown task and a wrong
   * token get the same 401 (a caller cannot probe which task ids exist), and each counts as a failure of its
   * source. The HTTP listener runs this before it reads a body. Undefined: authorized.
   */
  authorize(request: Omit<WebhookRequest, 'body'>): WebhookReply | undefined {
    const source = request.source ?? 'unknown';
    const throttled = this.failures.peek(source, WEBHOOK_FAILURE_LIMIT);
    if (!throttled.allowed) {
      return this.refusal(429, 'too many failed attempts; try again later', {
        'retry-after': String(Math.ceil(throttled.retryAfterMs / 1000)),
      });
    }
    const task = this.deps.findTask(request.taskId);
    const token = /^Bearer\s+(\S+)\s*$/i.exec(request.authorization ?? '')?.[1];
    const matches = tokenMatches(token ?? '', task?.webhook?.token ?? UNKNOWN_TASK_TOKEN);
    if (!task || !token || !task.webhook || !matches) {
      this.failures.take(source, Number.POSITIVE_INFINITY);
      return this.refusal(401, 'unknown task or missing or invalid bearer token', { 'www-authenticate': 'Bearer' });
    }
    return undefined;
  }

  trigger(request: WebhookRequest): WebhookReply {
    const timestamp = this.deps.clock.now();
    const refuse = (status: number, error: string, headers?: Record<string, string>): WebhookReply =>
      this.refusal(status, error, headers);
    const denied = this.authorize(request);
    if (denied) return denied;
    const task = this.deps.findTask(request.taskId) as AgentTask & { webhook: NonNullable<AgentTask['webhook']> };
    if (!task.webhook.enabled) return refuse(403, `webhook trigger is disabled for task ${task.id}`);
    const parsed = webhookBodySchema().safeParse(request.body ?? {});
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
