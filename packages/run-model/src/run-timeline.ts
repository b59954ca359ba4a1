// A run's timeline from its events (docs/streams.md#run-inspector): what `restflow runs show` prints and the
// console's run timeline shows — one builder, so both say the same.
import type { RunEventKind } from './run-events.ts';

const flat = (text: string, max: number) => {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

/** US dollars: four decimals under a dollar (a call often costs fractions of a cent), else two. */
export const formatUsd = (usd: number) => `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;

/** One line of a timeline: text and thinking deltas are merged into one entry each. */
export interface TimelineEntry {
  seq: number;
  /** ms since the run started. */
  at: number;
  type: string;
  summary: string;
  detail?: Record<string, unknown>;
}

/** Builds the timeline of a run's events, in order; `open` merges consecutive text / thinking deltas. */
export class Timeline {
  readonly entries: TimelineEntry[] = [];
  private readonly toolNames = new Map<string, { name: string; at: number }>();
  private startedAt: number | undefined;

  add(event: { seq: number; timestamp: number; kind: RunEventKind }): TimelineEntry | undefined {
    this.startedAt ??= event.timestamp;
    const at = event.timestamp - this.startedAt;
    const kind: RunEventKind = event.kind;
    const last = this.entries.at(-1);
    const push = (type: string, summary: string, detail?: Record<string, unknown>) => {
      const entry = { seq: event.seq, at, type, summary, ...(detail ? { detail } : {}) };
      this.entries.push(entry);
      return entry;
    };
    switch (kind.type) {
      case 'started':
        return push(
          'started',
          `model ${kind.model}${kind.input ? ` · input "${flat(kind.input, 100)}"` : ''}${
            kind.warnings?.length ? ` · warnings: ${kind.warnings.join('; ')}` : ''
          }`,
          {
            model: kind.model,
            ...(kind.input !== undefined ? { input: kind.input } : {}),
            ...(kind.warnings?.length ? { warnings: kind.warnings } : {}),
          },
        );
      case 'token':
      case 'thinking': {
        const type = kind.type === 'token' ? 'text' : 'thinking';
        const text = kind.type === 'token' ? kind.text : kind.content;
        if (last?.type === type && last.detail) {
          last.detail.text = `${last.detail.text as string}${text}`;
          last.summary = `"${flat(last.detail.text as string, 100)}"`;
          return undefined;
        }
        return push(type, `"${flat(text, 100)}"`, { text });
      }
      case 'usage': {
        const call = kind.call;
        if (!call) return push('usage', `total ${kind.total_tokens} tokens`, { ...kind });
        return push(
          'llm_call',
          `${call.model} · in ${call.input_tokens} (cached ${call.cached_tokens}) · out ${call.output_tokens} ` +
            `(reasoning ${call.reasoning_tokens}) · ${formatUsd(call.cost_usd)} · ${seconds(call.duration_ms)}`,
          { ...call },
        );
      }
      case 'tool_call_start':
        this.toolNames.set(kind.tool_id, { name: kind.tool_name, at });
        return push('tool_call', `${kind.tool_name} ${flat(kind.arguments, 200)}`, {
          tool_id: kind.tool_id,
          tool_name: kind.tool_name,
          arguments: kind.arguments,
        });
      case 'tool_call_end': {
        const tool = this.toolNames.get(kind.tool_id);
        const took = tool ? ` (${seconds(at - tool.at)})` : '';
        return push(
          'tool_result',
          `${kind.success ? '✓' : '✗'} ${tool?.name ?? kind.tool_id} → ${flat(kind.result, 200)}${took}`,
          { tool_id: kind.tool_id, tool_name: tool?.name ?? null, success: kind.success, result: kind.result },
        );
      }
      case 'step':
        // Tool steps repeat the tool events; approval steps say how an approval ended.
        if (kind.step_type === 'tool_call') return undefined;
        return push('step', `${kind.step_type} ${kind.name}: ${kind.status}`, { ...kind });
      case 'approval_required':
        return push('approval', `approval needed for ${kind.approval.command}`, { id: kind.approval.id });
      case 'completed':
        return push('completed', `in ${seconds(kind.duration_ms)} · ${kind.total_tokens} tokens`, {
          duration_ms: kind.duration_ms,
          total_tokens: kind.total_tokens,
        });
      case 'failed':
        return push('failed', `${kind.error}${kind.error_code ? ` [${kind.error_code}]` : ''}`, {
          error: kind.error,
          ...(kind.error_code ? { error_code: kind.error_code } : {}),
          ...(kind.budget ? { budget: kind.budget } : {}),
        });
      case 'cancelled':
        return push('cancelled', 'cancelled');
      default:
        return undefined;
    }
  }
}
