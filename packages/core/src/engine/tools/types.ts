import type { LlmToolSpec } from '../../llm/types.ts';
import type { RunEventSink } from '../run-events.ts';

/** What a tool execution may use; `signal` aborts on run cancel and on the tool's timeout. */
export interface ToolContext {
  signal: AbortSignal;
  runId: string;
  agentId?: string;
  taskId?: string;
  /** The agent's own directory (created on demand); relative file paths and commands start here. */
  workspaceDir: string;
  /** Milliseconds the tool may run (after any human approval). */
  timeoutMs: number;
  events: RunEventSink;
}

export interface ToolOutput {
  success: boolean;
  /** Strings go to the model as they are; anything else as JSON. */
  output: unknown;
}

export interface ToolDefinition extends LlmToolSpec {
  /**
   * Tools that wait for a human (bash approvals) apply `ctx.timeoutMs` themselves, to the command only; all
   * others are cut off by the registry.
   */
  selfTimed?: boolean;
  execute(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolOutput>;
}

/** Thrown by a tool for an expected failure; the model sees `Error: <message>`. */
export class ToolError extends Error {
  override name = 'ToolError';
}

export const ok = (output: unknown): ToolOutput => ({ success: true, output });
export const fail = (output: unknown): ToolOutput => ({ success: false, output });
