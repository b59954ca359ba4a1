import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';
import type { LlmToolCall, LlmToolSpec } from '../../llm/types.ts';
import { truncateToolResult } from '../limits.ts';
import { type ToolContext, type ToolDefinition, ToolError } from './types.ts';

export interface ToolCallResult {
  tool_id: string;
  tool_name: string;
  success: boolean;
  /** Already truncated: what the model and the stream see. */
  result: string;
  duration_ms: number;
}

// Loaded and built on the first schema compiled, not at import: the daemon would otherwise pay for it on every start.
let ajv: Ajv | undefined;

function describeArgs(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .map(
      (e) =>
        `${e.instancePath || '(arguments)'} ${e.message}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`,
    )
    .join('; ');
}

const acceptAny = Object.assign(() => true, { errors: null }) as unknown as ValidateFunction;

/** An external tool's schema the validator cannot compile (an MCP server's) is left to the tool to check. */
function compileOrAcceptAny(schema: Record<string, unknown>): ValidateFunction {
  try {
    ajv ??= new (createRequire(import.meta.url)('ajv') as typeof import('ajv')).Ajv({
      allErrors: true,
      useDefaults: true,
      coerceTypes: false,
      strict: false,
    });
    return ajv.compile(schema);
  } catch {
    return acceptAny;
  }
}

function stringify(output: unknown): string {
  if (typeof output === 'string') return output;
  return JSON.stringify(output, null, 2) ?? 'null';
}

/** What the agent loop uses of a registry: a recorder or a replayer stands in front of it (engine/recording.ts). */
export type ToolRunner = Pick<ToolRegistry, 'size' | 'names' | 'specs' | 'execute'>;

/** The tools one agent may call, with their argument validators. */
export class ToolRegistry {
  private readonly tools = new Map<string, { tool: ToolDefinition; validate: ValidateFunction }>();

  constructor(
    tools: ToolDefinition[],
    private readonly options: { timeoutMs: number; maxResultChars: number; redact?: (text: string) => string },
  ) {
    for (const tool of tools) this.tools.set(tool.name, { tool, validate: compileOrAcceptAny(tool.parameters) });
  }

  get size(): number {
    return this.tools.size;
  }

  names(): string[] {
    return [...this.tools.keys()];
  }

  specs(): LlmToolSpec[] {
    return [...this.tools.values()].map(({ tool }) => ({
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters,
    }));
  }

  /** Never throws: unknown tools, bad arguments, failures and timeouts all become error results. */
  async execute(call: LlmToolCall, ctx: Omit<ToolContext, 'timeoutMs'>): Promise<ToolCallResult> {
    const started = performance.now();
    const redact = this.options.redact ?? ((text: string) => text);
    const done = (success: boolean, output: unknown): ToolCallResult => ({
      tool_id: call.id,
      tool_name: call.name,
      success,
      // Redacted before truncation, so a cut cannot leave half a secret that no longer matches.
      result: truncateToolResult(
        redact(success ? stringify(output) : `Error: ${stringify(output)}`),
        this.options.maxResultChars,
      ),
      duration_ms: Math.round(performance.now() - started),
    });
    const entry = this.tools.get(call.name);
    if (!entry) return done(false, `unknown tool "${call.name}" (available: ${this.names().join(', ') || 'none'})`);
    let args: unknown;
    try {
      args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
    } catch {
      return done(false, `arguments of ${call.name} are not valid JSON: ${call.arguments.slice(0, 200)}`);
    }
    if (!entry.validate(args))
      return done(false, `invalid arguments for ${call.name}: ${describeArgs(entry.validate)}`);
    const { tool } = entry;
    const timeoutMs = this.options.timeoutMs;
    const limit = new AbortController();
    const signal = AbortSignal.any([ctx.signal, limit.signal]);
    let timer: NodeJS.Timeout | undefined;
    let stopWatching = () => {};
    // A tool that ignores its signal must still not hold the run: the race settles on cancel or timeout.
    const cutOff = new Promise<never>((_, reject) => {
      const onCancel = () => reject(new ToolError('cancelled'));
      if (ctx.signal.aborted) onCancel();
      ctx.signal.addEventListener('abort', onCancel, { once: true });
      stopWatching = () => ctx.signal.removeEventListener('abort', onCancel);
      if (!tool.selfTimed) {
        timer = setTimeout(() => {
          limit.abort();
          reject(new ToolError(`${call.name} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
      }
    });
    try {
      const output = await Promise.race([
        tool.execute(args as Record<string, unknown>, { ...ctx, signal, timeoutMs }),
        cutOff,
      ]);
      return done(output.success, output.output);
    } catch (error) {
      if (ctx.signal.aborted) return done(false, 'cancelled');
      return done(false, (error as Error).message ?? String(error));
    } finally {
      clearTimeout(timer);
      stopWatching();
      // Whatever the tool left running (a child process, a socket) is told to stop.
      limit.abort();
    }
  }
}
