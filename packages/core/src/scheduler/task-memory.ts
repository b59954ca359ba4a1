// Memory persistence of a completed run (docs/lifecycle.md#outcomes): the transcript as
// `[role]: content` lines, chunked, stored in the memory session "Task: {name}" with source task_execution.
import { chunkMessages } from '../memory/chunker.ts';
import type { MemoryService } from '../memory/memory.service.ts';
import type { AgentTask } from '../tasks/task-model.ts';

export interface TranscriptMessage {
  role: string;
  content: string;
}

/** The persist design chunks with a 100-character minimum (the memory default is 200). */
const TASK_CHUNKER = { chunk_size: 1600, overlap: 320, min_chunk_size: 100 };

export type TaskMemoryPort = Pick<MemoryService, 'listSessions' | 'createSession' | 'storeChunk'>;

/** Returns the number of chunks stored (0 when there was nothing to keep). */
export function persistTaskTranscript(
  memory: TaskMemoryPort,
  task: Pick<AgentTask, 'id' | 'name' | 'agent_id'>,
  transcript: readonly TranscriptMessage[],
): number {
  const messages = transcript.filter((m) => m.content.trim().length > 0);
  if (!messages.some((m) => m.role === 'assistant')) return 0;
  const chunks = chunkMessages(messages, TASK_CHUNKER);
  if (chunks.length === 0) return 0;
  const tags = [`task:${task.id}`, `agent:${task.agent_id}`];
  const name = `Task: ${task.name}`;
  const session =
    memory.listSessions(task.agent_id).find((s) => s.name === name) ??
    memory.createSession({ agent_id: task.agent_id, name, tags });
  for (const content of chunks) {
    memory.storeChunk({
      agent_id: task.agent_id,
      session_id: session.id,
      content,
      tags,
      source: { type: 'task_execution', task_id: task.id },
    });
  }
  return chunks.length;
}
