// What the scheduler is built from and what its commands answer (the wire shapes of tasks.run / cancel / active).
import type { AgentService } from '../agents/agent.service.ts';
import type { ConfigService } from '../config/config.service.ts';
import type { TaskService } from '../tasks/task.service.ts';
import type { TaskStatus } from '../tasks/task-model.ts';
import type { UsageService } from '../usage/usage.service.ts';
import type { TaskAgentRunner } from './agent-runner.ts';
import type { FailoverPolicy } from './failover.ts';
import type { HeartbeatOptions } from './heartbeat.ts';
import type { TaskRetryPolicy } from './retry.ts';
import type { TaskMemoryPort } from './task-memory.ts';
import type { TaskTrigger } from './task-stream.ts';

export interface SchedulerDeps {
  tasks: TaskService;
  config: ConfigService;
  agents: Pick<AgentService, 'find'>;
  memory: TaskMemoryPort;
  secrets: { getValue(key: string): string | undefined };
  /** Daily budgets: a scheduled run whose task, agent or global budget is spent today is skipped. */
  usage?: Pick<UsageService, 'dailyBreach' | 'stopFor'>;
}

export interface SchedulerOptions {
  /** Runs API-mode tasks (the agent engine); without one they fail with a clear message. */
  agentRunner?: TaskAgentRunner;
  /** Longest sleep between two looks at the due index. */
  maxSleepMs?: number;
  heartbeat?: HeartbeatOptions;
  retryPolicy?: Partial<TaskRetryPolicy>;
  failover?: Partial<FailoverPolicy>;
  fallbackModels?: readonly string[];
  /** Waits between retries (tests pass one that returns at once). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  killGraceMs?: number;
  telegramApiBase?: string;
  fetch?: typeof fetch;
  /** How long `stop` waits for runs to end before closing them as interrupted anyway. */
  stopTimeoutMs?: number;
}

export interface RunAccepted {
  accepted: true;
  task_id: string;
  run_id: string;
  /** True when every worker is busy: the run starts when one frees up (before any scheduled run). */
  queued: boolean;
  /** The task stream's seq before this run: watch from here to see the whole run. */
  after_seq: number;
}

export interface ActiveTaskRun {
  task_id: string;
  task_name: string;
  agent_id: string;
  run_id: string;
  state: 'running' | 'queued';
  trigger: TaskTrigger;
  /** Running: when it started; queued: when it was queued. */
  since: number;
}

export interface CancelResult {
  task_id: string;
  run_id: string | null;
  /** True when a run (running or queued) was stopped; otherwise the task was only paused. */
  cancelled: boolean;
  status: TaskStatus;
}

export interface RunNowOptions {
  trigger?: Exclude<TaskTrigger, 'schedule'>;
  /** Replaces the task's input for this run only. */
  input?: string;
  source?: string;
}
