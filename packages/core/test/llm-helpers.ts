// Shared by the llm-*.test.ts files: reading a stream with arrival times, and putting tool calls back together.
import type { StreamChunk } from '../src/index.ts';

export interface Seen {
  chunk: StreamChunk;
  at: number;
}

export interface Collected {
  seen: Seen[];
  chunks: StreamChunk[];
  text: string;
  thinking: string;
  error?: unknown;
}

/** Reads a stream to its end (or its error), keeping when each chunk arrived. */
export async function collect(stream: AsyncIterable<StreamChunk>, onChunk?: (chunk: StreamChunk) => void) {
  const seen: Seen[] = [];
  let error: unknown;
  try {
    for await (const chunk of stream) {
      seen.push({ chunk, at: Date.now() });
      onChunk?.(chunk);
    }
  } catch (e) {
    error = e;
  }
  const chunks = seen.map((s) => s.chunk);
  const join = (type: 'text' | 'thinking') =>
    chunks
      .filter((c): c is Extract<StreamChunk, { type: 'text' | 'thinking' }> => c.type === type)
      .map((c) => c.text)
      .join('');
  return { seen, chunks, text: join('text'), thinking: join('thinking'), error } satisfies Collected;
}

/** What an engine does with tool_call_delta chunks: group by index, concatenate the argument pieces. */
export function reassembleToolCalls(chunks: StreamChunk[]) {
  const calls: { id?: string; name?: string; arguments: string }[] = [];
  for (const chunk of chunks) {
    if (chunk.type !== 'tool_call_delta') continue;
    const call = calls[chunk.index] ?? { arguments: '' };
    calls[chunk.index] = call;
    if (chunk.id) call.id = chunk.id;
    if (chunk.name) call.name = chunk.name;
    if (chunk.arguments) call.arguments += chunk.arguments;
  }
  return calls.map((c) => ({ id: c.id, name: c.name, arguments: JSON.parse(c.arguments || '{}') as unknown }));
}

export const never = () => new AbortController().signal;
