import { fileURLToPath } from 'node:url';
import { createTestServices, type TestServices } from '@restflow/testkit';
import {
  type CreateTaskInput,
  type SchedulerOptions,
  type TaskAgentRunner,
  type TaskAgentRunRequest,
  type TaskExecutionModeInput,
  TaskScheduler,
  type TaskStreamEvent,
} from '../../src/index.ts';

export const taskScript = fileURLToPath(new URL('./fixtures/task-script.mjs', import.meta.url));

/** A CLI-mode execution of the fixture script. */
export const nodeScript = (...args: string[]) =>
  ({
    type: 'cli',
    binary: process.execPath,
    args: [taskScript, ...args],
    timeout_secs: 30,
  }) satisfies TaskExecutionModeInput;

export interface StubCall extends Omit<TaskAgentRunRequest, 'signal' | 'onText'> {}

/** An agent runner scripted per call: each step returns output or throws. */
export function stubRunner(
  steps: ((request: TaskAgentRunRequest) => Promise<string> | string)[],
): TaskAgentRunner & { calls: StubCall[] } {
  const calls: StubCall[] = [];
  return {
    calls,
    async run(request) {
      const { signal: _signal, onText: _onText, ...call } = request;
      calls.push(call);
      const step = steps.shift();
      if (!step) throw new Error('no scripted step left');
      const output = await step(request);
      request.onText(output);
      return {
        output,
        tokens: 7,
        apiCalls: 1,
        transcript: [
          { role: 'user', content: request.input },
          { role: 'assistant', content: output },
        ],
      };
    },
  };
}

/** A runner the test can swap between runs: the scheduler takes its runner once, at construction. */
export function swappableRunner(initial: TaskAgentRunner): TaskAgentRunner & { use(next: TaskAgentRunner): void } {
  let current = initial;
  return {
    run: (request) => current.run(request),
    use: (next) => {
      current = next;
    },
  };
}

export interface SchedulerSetup {
  services: TestServices;
  scheduler: TaskScheduler;
  agentId: string;
  createTask(input?: Partial<CreateTaskInput>): ReturnType<TestServices['tasks']['create']>;
  /** The task's stream events, oldest first. */
  streamOf(taskId: string): TaskStreamEvent[];
  kinds(taskId: string): string[];
  sleeps: number[];
}

export function setupScheduler(options: SchedulerOptions = {}, env: NodeJS.ProcessEnv = {}): SchedulerSetup {
  const services = createTestServices({ env });
  const sleeps: number[] = [];
  const scheduler = new TaskScheduler(
    services,
    {
      tasks: services.tasks,
      config: services.config,
      agents: services.agents,
      memory: services.memory,
      secrets: services.secrets,
      usage: services.usage,
    },
    {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      killGraceMs: 300,
      fallbackModels: [],
      ...options,
    },
  );
  const agentId = services.agents.create('Worker', { model: 'sonnet' }).id;
  const streamOf = (taskId: string) => scheduler.stream.list(taskId, 0, 10_000);
  let tasksCreated = 0;
  return {
    services,
    scheduler,
    agentId,
    sleeps,
    createTask: (input = {}) =>
      services.tasks.create({
        // Task names are unique.
        name: `Job ${++tasksCreated}`,
        agent_id: agentId,
        schedule: { type: 'interval', interval_ms: 60_000, start_at: null },
        ...input,
      }),
    streamOf,
    kinds: (taskId) => streamOf(taskId).map((e) => e.kind.type),
  };
}
